import Foundation
import Testing
@testable import Descent

/// The CSV reader on random input: random tables written in random styles read back exactly, and
/// random bytes give a table or a typed error (never a trap), the same with every tuning.
@Suite("CSV files, random")
struct CSVRandomTests {
    /// A random finite double, from a mix of scales.
    static func randomValue(_ random: inout RandomSource) -> Double {
        switch random.next() % 4 {
        case 0: return random.nextNormal()
        case 1: return Double(Int64(bitPattern: random.next()) >> 40)
        case 2:
            let value = Double(bitPattern: random.next())
            return value.isFinite ? value : 0.5
        default: return (random.nextNormal() * 1e6).rounded() / 100
        }
    }

    @Test("random tables written in random styles read back exactly")
    func roundTrip() throws {
        var random = RandomSource(seed: 2026)
        for _ in 0..<300 {
            let rows = Int(random.next() % 6), columns = 1 + Int(random.next() % 4)
            let values = (0..<(rows * columns)).map { _ in Self.randomValue(&random) }
            let delimiter: Character = [",", ";", "\t", "|"][Int(random.next() % 4)]
            let lineEnd = ["\n", "\r\n", "\r"][Int(random.next() % 3)]
            let hasHeader = random.next() % 2 == 0
            var lines = hasHeader ? [(0..<columns).map { "\"c\($0)\"" }.joined(separator: String(delimiter))] : []
            for i in 0..<rows {
                let cells = (0..<columns).map { j -> String in
                    let value = values[i * columns + j]
                    let text = random.next() % 2 == 0 ? "\(value)"
                        : String(format: ["%.17g", "%.18e", "%.17E"][Int(random.next() % 3)], value)
                    switch random.next() % 6 {
                    case 0: return "\"\(text)\""
                    case 1: return " \(text) "
                    default: return text
                    }
                }
                lines.append(cells.joined(separator: String(delimiter)))
                if random.next() % 5 == 0 { lines.append("") }
            }
            guard !lines.isEmpty else { continue }
            let text = (random.next() % 3 == 0 ? "\u{FEFF}" : "") + lines.joined(separator: lineEnd)
                + (random.next() % 2 == 0 ? lineEnd : "")
            if lines.allSatisfy(\.isEmpty) { continue }
            let table = try CSVTests.read(text, CSVOptions(delimiter: delimiter, hasHeader: hasHeader))
            #expect(table.rows == rows && table.columns == columns, "\(text.debugDescription)")
            #expect(table.values.map { $0.bitPattern } == values.map { $0.bitPattern }, "\(text.debugDescription)")
        }
    }

    /// Bytes that make CSV: digits, delimiters, quotes, line ends, blanks, number letters, a NUL,
    /// UTF-8 (a BOM, é) and an invalid byte.
    static let alphabet = Array("0123456789012345,,,,\n\n\r\"\"  \t..--+eE;xna".utf8) + [0, 0xEF, 0xBB, 0xBF, 0xC3, 0xA9, 0xFF]

    @Test("random bytes give a table or a typed error, the same with every tuning")
    func randomBytes() {
        var random = RandomSource(seed: 7)
        for _ in 0..<300 {
            let length = Int(random.next() % 80)
            let bytes = (0..<length).map { _ in Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))] }
            for options in [CSVOptions(), CSVOptions(hasHeader: false, dropInvalidRows: true), CSVOptions(delimiter: ";")] {
                guard case let .success(table) = CSVTests.read(bytes, options) else { continue }
                #expect(table.values.count == table.rows * table.columns && table.columnNames.count == table.columns)
                #expect(table.values.allSatisfy { $0.isFinite })
            }
        }
    }
}
