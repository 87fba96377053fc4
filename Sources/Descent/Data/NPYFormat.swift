/// The NumPy `.npy` format, versions 1.0, 2.0 and 3.0, as `numpy.save` writes it and
/// `numpy.load` reads it: the magic `\x93NUMPY`, two version bytes, a little-endian header length
/// (2 bytes in 1.0, 4 in 2.0 and 3.0), then a Python dict literal
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }` padded with spaces and a newline
/// so that the data starts on a 64-byte boundary, then the raw elements.
enum NPYFormat {
    /// A header longer than this is refused (numpy's own reader refuses more than 10 000 bytes
    /// by default); it protects against a corrupt length asking for gigabytes.
    static let maximumHeaderBytes = 1 << 20

    /// An element type that Descent reads.
    enum ElementKind: Equatable {
        case float, signed, unsigned, boolean
    }

    /// A parsed `descr`: kind, size in bytes, and whether the bytes are big-endian.
    struct ElementType: Equatable {
        let kind: ElementKind
        let size: Int
        let bigEndian: Bool

        /// `<f8`, `<f4`, … as numpy writes it.
        var descr: String {
            let code = switch kind { case .float: "f"; case .signed: "i"; case .unsigned: "u"; case .boolean: "b" }
            return (size == 1 ? "|" : bigEndian ? ">" : "<") + code + "\(size)"
        }
    }

    /// What a header says.
    struct Header: Equatable {
        let element: ElementType
        let fortranOrder: Bool
        let shape: [Int]
        /// Where the data starts, from the start of the file.
        let dataOffset: Int
        /// Rows and columns as Descent sees them: `(n,)` is `n × 1`.
        var rows: Int { shape[0] }
        var columns: Int { shape.count == 2 ? shape[1] : 1 }
        var count: Int { rows * columns }

        /// Refuses to round a `float64` file into a 4-byte `Scalar` unless `allowPrecisionLoss`:
        /// `reader` names what was reading it (e.g. `Float matrix`) and `wider` the `Double`
        /// reader to use instead (e.g. `read it as Matrix<Double>`).
        func checkPrecision<Scalar>(_: Scalar.Type, allowPrecisionLoss: Bool, path: String, reader: String,
                                    wider: String) throws(DescentError) {
            guard element.kind == .float, element.size == 8, MemoryLayout<Scalar>.size == 4, !allowPrecisionLoss else { return }
            throw .invalidFile(path: path, format: ".npy", reason: "it holds float64 values and this is a \(reader); "
                               + "\(wider), or pass allowPrecisionLoss: true to round them")
        }
    }

    /// Parses the header at the start of `bytes`; see ``parseHeader(_:fileSize:path:)-(UnsafeRawBufferPointer,_,_)``.
    static func parseHeader(_ bytes: [UInt8], fileSize: Int, path: String) throws(DescentError) -> Header {
        let result = bytes.withUnsafeBytes { raw -> Result<Header, DescentError> in
            do throws(DescentError) { return .success(try parseHeader(raw, fileSize: fileSize, path: path)) }
            catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses the header at the start of `bytes` (a whole file, or at least its header), checking
    /// that `fileSize` holds exactly the data it announces.
    static func parseHeader(_ bytes: UnsafeRawBufferPointer, fileSize: Int, path: String) throws(DescentError) -> Header {
        func fail(_ reason: String) -> DescentError { .invalidFile(path: path, format: ".npy", reason: reason) }
        let (dict, offset) = try parseDictionary(bytes, path: path)
        guard Set(dict.keys) == ["descr", "fortran_order", "shape"] else {
            throw fail("its header has keys \(dict.keys.sorted()); it needs exactly descr, fortran_order and shape")
        }
        guard case let .string(descr)? = dict["descr"] else {
            throw fail("its dtype is structured (a list of fields); only plain numeric dtypes are supported")
        }
        let element = try elementType(descr, fail: fail)
        guard case let .boolean(fortran)? = dict["fortran_order"] else { throw fail("fortran_order is not True or False") }
        guard case let .tuple(shape)? = dict["shape"] else { throw fail("shape is not a tuple of integers") }
        guard shape.count == 1 || shape.count == 2 else {
            throw fail("it holds a \(shape.count)-dimensional array; Descent reads 1-D (a vector) and 2-D (a matrix) arrays")
        }
        let (count, overflow) = shape.count == 2 ? shape[0].multipliedReportingOverflow(by: shape[1]) : (shape[0], false)
        let (dataBytes, overflow2) = count.multipliedReportingOverflow(by: element.size)
        guard !overflow, !overflow2 else { throw fail("its shape \(shape) is too large") }
        guard fileSize - offset == dataBytes else {
            throw fail("its shape \(shape) of \(element.descr) needs \(dataBytes) bytes of data, but the file holds "
                       + "\(fileSize - offset) (truncated or corrupt)")
        }
        return Header(element: element, fortranOrder: fortran, shape: shape, dataOffset: offset)
    }

    /// The magic, version and header dict at the start of `bytes`, and where the data starts.
    static func parseDictionary(_ bytes: UnsafeRawBufferPointer, path: String) throws(DescentError)
        -> (dict: [String: DictParser.Value], dataOffset: Int) {
        func fail(_ reason: String) -> DescentError { .invalidFile(path: path, format: ".npy", reason: reason) }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10 else {
            throw fail(bytes.isEmpty ? "the file is empty" : "the file is too short (\(bytes.count) bytes) for a .npy header")
        }
        guard bytes.prefix(6).elementsEqual(magic) else { throw fail("it does not start with the .npy magic \\x93NUMPY") }
        let major = bytes[6], minor = bytes[7]
        guard (1...3).contains(major), minor == 0 else {
            throw fail("format version \(major).\(minor) is not supported (1.0, 2.0 and 3.0 are)")
        }
        let lengthBytes = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthBytes else { throw fail("the file ends inside the header length") }
        var headerLength = 0
        for k in 0..<lengthBytes { headerLength |= Int(bytes[8 + k]) << (8 * k) }
        let start = 8 + lengthBytes
        guard headerLength <= maximumHeaderBytes else {
            throw fail("the header claims \(headerLength) bytes, more than the \(maximumHeaderBytes) allowed")
        }
        guard start + headerLength <= bytes.count else {
            throw fail("the file ends inside the header (\(headerLength) bytes announced)")
        }
        var parser = DictParser(bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + headerLength)]))
        let dict: [String: DictParser.Value]
        do throws(DictParser.Failure) { dict = try parser.parseDict() } catch {
            throw fail("its header is not a valid dict literal (\(error.reason))")
        }
        return (dict, start + headerLength)
    }

    /// The element type of a `descr` such as `<f8`, or a typed error naming what is unsupported.
    static func elementType(_ descr: String, fail: (String) -> DescentError) throws(DescentError) -> ElementType {
        let characters = Array(descr.utf8)
        guard characters.count >= 3, let order = characters.first, "<>|=".utf8.contains(order),
              let size = Int(String(decoding: characters[2...], as: UTF8.self)) else {
            throw fail("dtype '\(descr)' is not a numeric dtype Descent reads")
        }
        let code = characters[1]
        let kind: ElementKind
        switch (code, size) {
        case (UInt8(ascii: "f"), 4), (UInt8(ascii: "f"), 8): kind = .float
        case (UInt8(ascii: "i"), 1), (UInt8(ascii: "i"), 2), (UInt8(ascii: "i"), 4), (UInt8(ascii: "i"), 8): kind = .signed
        case (UInt8(ascii: "u"), 1), (UInt8(ascii: "u"), 2), (UInt8(ascii: "u"), 4), (UInt8(ascii: "u"), 8): kind = .unsigned
        case (UInt8(ascii: "b"), 1): kind = .boolean
        case (UInt8(ascii: "c"), _): throw fail("dtype '\(descr)' is complex; Descent reads real numbers")
        case (UInt8(ascii: "O"), _): throw fail("dtype '\(descr)' holds Python objects, which have no portable bytes")
        default: throw fail("dtype '\(descr)' is not supported (float32/64, signed and unsigned integers, bool are)")
        }
        return ElementType(kind: kind, size: size, bigEndian: order == UInt8(ascii: ">"))
    }

    /// A header for `shape` of `descr`, C order, padded so the data starts on a 64-byte boundary
    /// and at least `minimumLength` bytes in (a header rewritten once the shape is known keeps its
    /// length): version 1.0 unless the header needs more than 65 535 bytes.
    static func header(descr: String, shape: [Int], minimumLength: Int = 0) -> [UInt8] {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dims), }".utf8)
        var major: UInt8 = 1
        var prefix = 10
        if (prefix + dict.count + 1 + 63) / 64 * 64 - prefix > 65_535 { major = 2; prefix = 12 }
        let total = Swift.max((prefix + dict.count + 1 + 63) / 64 * 64, (minimumLength + 63) / 64 * 64)
        dict += [UInt8](repeating: UInt8(ascii: " "), count: total - prefix - dict.count - 1) + [UInt8(ascii: "\n")]
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]
        for k in 0..<(major == 1 ? 2 : 4) { bytes.append(UInt8(truncatingIfNeeded: dict.count >> (8 * k))) }
        return bytes + dict
    }
}
