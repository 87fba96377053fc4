/// A problem in a CSV file: its 1-based line (counted from the scan's first line) and column (in
/// characters from the start of that line), and what is wrong.
struct CSVProblem: Error, Equatable {
    var line: Int
    var column: Int
    var reason: String
}

/// Why a scan stopped before the end of its bytes.
enum CSVScanStop: Error, Equatable {
    /// The bytes end inside a record and are not the end of the data: read more, then scan again
    /// from ``CSVScanner/position`` (the start of that record).
    case needMore
    /// The data is wrong here.
    case problem(CSVProblem)
}

/// The columns of a typed reading (``Table``'s fast path) whose cells are kept as where they are:
/// each such cell's offset from ``origin`` and length, packed into the bits of the `Double` that
/// would hold a number, so text and numbers share the numeric reader's rows, threads and windows.
struct TextColumns {
    /// Whether column j holds text.
    let isText: UnsafePointer<Bool>
    /// The byte offsets count from.
    let origin: UnsafePointer<UInt8>

    /// The reason of the problem a row outside the plan gives (a blank cell, a quote, a wrong width).
    static let offPlan = "a row the typed reader leaves to the general one"

    /// `offset` in the high 40 bits, `length` in the low 24; `nil` beyond those.
    @inline(__always)
    static func pack(offset: Int, length: Int) -> Double? {
        guard offset < 1 << 40, length < 1 << 24 else { return nil }
        return Double(bitPattern: UInt64(offset) << 24 | UInt64(length))
    }

    /// The offset and length in `cell`.
    @inline(__always)
    static func unpack(_ cell: Double) -> (offset: Int, length: Int) {
        (Int(cell.bitPattern >> 24), Int(cell.bitPattern & 0xFF_FFFF))
    }
}

/// Reads CSV records from a range of bytes: numbers into rows of `Double`, header names into
/// strings, keeping the physical line number and the start of the current line for errors.
///
/// The hot path reads a cell as a number straight from the bytes (``DecimalParser``) and accepts it
/// if blanks and then a delimiter or line end follow; anything else (a quote, text, an empty cell)
/// goes through ``scanField(from:keepText:)``, which knows quoting, and ``cellValue(_:)``.
struct CSVScanner {
    static let lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r"), quote = UInt8(ascii: "\"")

    /// The end of the bytes.
    let end: UnsafePointer<UInt8>
    /// Whether the data ends at ``end`` (otherwise a record cut there asks for more).
    let isFinal: Bool
    /// The byte between cells.
    let delimiter: UInt8
    /// The blanks trimmed around a cell: space and tab, except the one that is the delimiter.
    let blank1: UInt8, blank2: UInt8
    /// Whether a cell may be read as a number before its end is found: not when the delimiter is
    /// a character numbers contain.
    let numbersFirst: Bool
    /// What a row's width is compared with in errors: "the header" or "the first row".
    let widthSource: String
    /// Where scanning continues: the start of a record.
    var position: UnsafePointer<UInt8>
    /// The physical line at ``position`` (newlines inside quoted cells count).
    var line: Int
    /// The start of that line.
    var lineStart: UnsafePointer<UInt8>
    /// A quoted cell's text with its `""` escapes undone.
    var scratch: [UInt8] = []
    /// The columns read as text positions rather than numbers (``CSVReader``'s typed reading).
    var textColumns: TextColumns? = nil

    /// A scanner of `start..<end`, whose first line is line `line`.
    init(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, isFinal: Bool, delimiter: UInt8, line: Int,
         widthSource: String) {
        self.end = end
        self.isFinal = isFinal
        self.delimiter = delimiter
        blank1 = delimiter == UInt8(ascii: " ") ? UInt8(ascii: "\t") : UInt8(ascii: " ")
        blank2 = delimiter == UInt8(ascii: "\t") ? UInt8(ascii: " ") : UInt8(ascii: "\t")
        numbersFirst = !"0123456789+-.eE".utf8.contains(delimiter)
        self.widthSource = widthSource
        position = start
        self.line = line
        lineStart = start
    }

    /// "1 cell", "3 cells".
    static func cells(_ count: Int) -> String { count == 1 ? "1 cell" : "\(count) cells" }

    /// Whether `byte` is a blank trimmed around cells.
    @inline(__always) func isBlank(_ byte: UInt8) -> Bool { byte == blank1 || byte == blank2 }

    /// Whether `byte` ends an unquoted cell: the delimiter or a line end.
    @inline(__always) func isTerminator(_ byte: UInt8) -> Bool {
        byte == delimiter || byte == Self.lineFeed || byte == Self.carriageReturn
    }

    /// The 1-based column of `p` in the line that starts at `start`, in characters (UTF-8
    /// continuation bytes do not count).
    func column(_ p: UnsafePointer<UInt8>, lineStart start: UnsafePointer<UInt8>) -> Int {
        var count = 1
        var s = start
        while s < p {
            if s.pointee & 0xC0 != 0x80 { count += 1 }
            s += 1
        }
        return count
    }

    /// Moves over the record's end at `p` (a line end, or the end of the data) and returns where
    /// the next record starts, counting the line. CRLF is one line end; so is a lone CR.
    mutating func endRecord(at p: UnsafePointer<UInt8>) throws(CSVScanStop) -> UnsafePointer<UInt8> {
        guard p < end else { return end }
        var next = p + 1
        if p.pointee == Self.carriageReturn {
            if next < end {
                if next.pointee == Self.lineFeed { next += 1 }
            } else if !isFinal {
                throw .needMore
            }
        }
        line += 1
        lineStart = next
        return next
    }

    /// If the line at `p` holds nothing but blanks, moves past it and returns where the next line
    /// starts; `nil` if it holds anything else.
    mutating func skipBlankLine(at p: UnsafePointer<UInt8>) throws(CSVScanStop) -> UnsafePointer<UInt8>? {
        var q = p
        while q < end, isBlank(q.pointee) { q += 1 }
        if q == end {
            if !isFinal { throw .needMore }
            return end
        }
        guard q.pointee == Self.lineFeed || q.pointee == Self.carriageReturn else { return nil }
        return try endRecord(at: q)
    }

    /// Moves ``position`` past blank lines, to the next record or the end.
    mutating func skipBlankLines() throws(CSVScanStop) {
        while position < end {
            let first = position.pointee
            guard first == Self.lineFeed || first == Self.carriageReturn || isBlank(first),
                  let next = try skipBlankLine(at: position) else { return }
            position = next
        }
    }
}
