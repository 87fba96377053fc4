import Descent
public struct CSVOptions: Sendable { var delimiter: Character; var hasHeader: Bool; var dropInvalidRows: Bool; init(delimiter: Character, hasHeader: Bool, dropInvalidRows: Bool) { self.delimiter = delimiter; self.hasHeader = hasHeader; self.dropInvalidRows = dropInvalidRows } }
extension Dataset { init(csvFile: String, target: String, options: CSVOptions) throws(DescentError) { throw .noRows } }
extension Matrix { init(csvFile: String, columns: [String]?, options: CSVOptions) throws(DescentError) { throw .noRows } }
