import Descent
import Foundation

/// The library's messages in the command line's words: the remedies name flags, and a CSV cell
/// is named by its field (1-based number and header name) rather than a character offset.
func flagMessage(_ error: DescentError) -> String {
    var text = error.description
    switch error {
    case let .invalidCSV(path, line, column, reason):
        let field = csvFieldName(path: path, line: line, column: column)
        text = "\(path), line \(line)\(field.map { ", \($0)" } ?? ", column \(column)"): \(reason). Fix the cell, "
            + "drop such rows (--drop-invalid-rows), leave a text column out (--exclude NAME), or model it (--formula)."
    case .invalidFile:
        text = text.replacingOccurrences(of: "(CSVOptions.dropInvalidRows)", with: "(--drop-invalid-rows)")
            .replacingOccurrences(of: "leave it out or model it with a Formula on a Table",
                                  with: "leave it out (--exclude NAME) or model it (--formula)")
    case .missingValue:
        text = text.replacingOccurrences(of: "(Table(csvFile:missing: .dropRow))", with: "(--missing drop)")
    case .unseenLevel:
        text = text.replacingOccurrences(of: "(unseenLevels: .reference)", with: "(--unseen-levels reference)")
    default:
        break
    }
    return text
}

/// "field 20 ('depth')" for the cell at 1-based `line` and character `column` of a CSV file with
/// a header; `nil` when the file or line cannot be read again. Quotes are followed within the
/// line; a cell whose quotes span lines is counted from its own line.
func csvFieldName(path: String, line: Int, column: Int, delimiter: Character = ",") -> String? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard line >= 1, line <= lines.count else { return nil }
    func fields(_ line: Substring) -> [String] {
        var result = [String](), current = "", quoted = false
        for character in line {
            if character == "\"" { quoted.toggle() }
            if character == delimiter, !quoted {
                result.append(current)
                current = ""
            } else if character != "\"" && character != "\r" {
                current.append(character)
            }
        }
        return result + [current]
    }
    var field = 1, quoted = false
    for (offset, character) in lines[line - 1].enumerated() where offset < column - 1 {
        if character == "\"" { quoted.toggle() }
        if character == delimiter, !quoted { field += 1 }
    }
    let header = fields(lines[0])
    guard line > 1, field <= header.count else { return "field \(field)" }
    return "field \(field) ('\(header[field - 1].trimmingCharacters(in: .whitespaces))')"
}
