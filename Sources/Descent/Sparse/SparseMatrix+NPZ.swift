import Foundation
import ZIPFoundation

extension SparseMatrix {
    /// Reads a CSR matrix saved by scipy's `scipy.sparse.save_npz` (compressed or not): a zip of
    /// `.npy` members `indptr`, `indices`, `data`, `shape` and `format` (which must say `csr`).
    /// The zip is read with ZIPFoundation; each member with Descent's `.npy` reader.
    ///
    /// - Parameter path: The `.npz` file.
    /// - Throws: ``DescentError/invalidFile(path:format:reason:)`` naming the member and what is
    ///   wrong (not a zip, a missing member, another sparse format such as `csc` or `coo` — with
    ///   the remedy —, a malformed `.npy` member, values that are not numbers); then every check of
    ///   ``init(rows:columns:rowOffsets:columnIndices:values:)`` (out-of-range or unsorted indices,
    ///   NaN or ±∞); ``DescentError/fileNotReadable(path:reason:)``.
    /// - Complexity: O(file size + nnz).
    public init(npzFile path: String) throws(DescentError) {
        func fail(_ reason: String) -> DescentError { .invalidFile(path: path, format: ".npz", reason: reason) }
        let bytes = try FileIO.readAll(path)
        // A zip starts with a local file header (or, empty, the end record) and ends with the end of
        // central directory record (PK 5 6, then 18 bytes and a comment). Both are checked here, so
        // that another kind of file, or a zip cut short, gets this message: ZIPFoundation's
        // in-memory archive keeps its data alive after a failed open.
        let endRecord = bytes.count >= 22 ? (0...Swift.min(bytes.count - 22, 65_557)).contains { back in
            let k = bytes.count - 22 - back
            return bytes[k] == 0x50 && bytes[k + 1] == 0x4B && bytes[k + 2] == 0x05 && bytes[k + 3] == 0x06
        } : false
        guard bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x4B, [0x03, 0x05].contains(bytes[2]), endRecord else {
            throw fail("it is not a complete zip archive as numpy's savez writes "
                       + (bytes.starts(with: [0x50, 0x4B]) ? "(its end record is missing: truncated?)" : "(it does not start with 'PK')"))
        }
        let archive: Archive
        do { archive = try Archive(data: Data(bytes), accessMode: .read) } catch {
            throw fail("it is not a zip archive as numpy's savez writes (\(error))")
        }
        func member(_ name: String) throws(DescentError) -> [UInt8] {
            guard let entry = archive[name + ".npy"] else {
                throw fail("it has no member '\(name).npy' (scipy.sparse.save_npz writes indptr, indices, data, shape and format)")
            }
            var out = [UInt8]()
            do { _ = try archive.extract(entry) { out.append(contentsOf: $0) } } catch {
                throw fail("its member '\(name).npy' cannot be extracted (\(error))")
            }
            return out
        }
        let format = try member("format")
        let kind = try NPZMember.string(format, path: "\(path) (format.npy)")
        guard kind == "csr" else {
            throw fail("it holds a '\(kind)' matrix; Descent reads CSR: save X.tocsr() with scipy.sparse.save_npz")
        }
        let shape: [Int] = try NPZMember.numbers(try member("shape"), path: "\(path) (shape.npy)")
        guard shape.count == 2, shape[0] >= 0, shape[1] >= 0 else { throw fail("its shape \(shape) is not two sizes ≥ 0") }
        let offsets: [Int] = try NPZMember.numbers(try member("indptr"), path: "\(path) (indptr.npy)")
        let indices: [Int] = try NPZMember.numbers(try member("indices"), path: "\(path) (indices.npy)")
        let values: [Scalar] = try NPZMember.values(try member("data"), path: "\(path) (data.npy)")
        try self.init(rows: shape[0], columns: shape[1], rowOffsets: offsets, columnIndices: indices, values: values)
    }

    /// Writes the matrix as scipy's `save_npz` does (`compressed=True`, its default): a deflated
    /// zip of `indices.npy`, `indptr.npy` (int32 when they fit, else int64), `format.npy` (`csr`),
    /// `shape.npy` (int64) and `data.npy` (`<f8` or `<f4`), which `scipy.sparse.load_npz` reads.
    /// The file appears under its name only when completely written.
    ///
    /// - Parameter path: The file; an existing file is replaced.
    /// - Throws: ``DescentError/fileNotWritable(path:reason:)``.
    public func writeNPZ(to path: String) throws(DescentError) {
        let wide = nonzeros > Int(Int32.max) || columns > Int(Int32.max)
        let integers = wide ? "<i8" : "<i4"
        func integerMember(_ values: [Int]) -> [UInt8] {
            var out = NPYFormat.header(descr: integers, shape: [values.count])
            if wide {
                for v in values { withUnsafeBytes(of: Int64(v).littleEndian) { out.append(contentsOf: $0) } }
            } else {
                for v in values { withUnsafeBytes(of: Int32(v).littleEndian) { out.append(contentsOf: $0) } }
            }
            return out
        }
        var format = NPYFormat.header(descr: "<U3", shape: [])
        for c in "csr".unicodeScalars { withUnsafeBytes(of: c.value.littleEndian) { format.append(contentsOf: $0) } }
        var shape = NPYFormat.header(descr: "<i8", shape: [2])
        for v in [rows, columns] { withUnsafeBytes(of: Int64(v).littleEndian) { shape.append(contentsOf: $0) } }
        var data = NPYFormat.header(descr: MemoryLayout<Scalar>.size == 8 ? "<f8" : "<f4", shape: [nonzeros])
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        let members: [(String, [UInt8])] = [("indices", integerMember(columnIndices)), ("indptr", integerMember(rowOffsets)),
                                            ("format", format), ("shape", shape), ("data", data)]
        let zipped: Data
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (name, bytes) in members {
                let contents = Data(bytes)
                try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(contents.count),
                                     modificationDate: Date(timeIntervalSince1970: 315_532_800),   // 1980-01-01, as numpy
                                     compressionMethod: .deflate) { position, size in
                    contents.subdata(in: Int(position)..<(Int(position) + size))
                }
            }
            guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
            zipped = data
        } catch {
            throw .fileNotWritable(path: path, reason: "the zip archive could not be made (\(error))")
        }
        try FileIO.write([UInt8](zipped), to: path)
    }
}

/// The `.npy` members of an `.npz` file, parsed from memory.
enum NPZMember {
    /// The header of a member and its data bytes, for a 1-D or 0-D numeric array.
    static func header(_ bytes: [UInt8], path: String) throws(DescentError) -> NPYFormat.Header {
        try bytes.withUnsafeBytes { raw -> Result<NPYFormat.Header, DescentError> in
            do throws(DescentError) { return .success(try NPYFormat.parseHeader(raw, fileSize: raw.count, path: path)) }
            catch { return .failure(error) }
        }.get()
    }

    /// A 1-D array of integers (or integer-valued floats), as `Int`.
    static func numbers(_ bytes: [UInt8], path: String) throws(DescentError) -> [Int] {
        let header = try header(bytes, path: path)
        guard header.shape.count == 1, header.element.kind != .float else {
            throw .invalidFile(path: path, format: ".npy", reason: "it holds \(header.element.descr) of shape \(header.shape); "
                               + "a 1-D array of integers is expected")
        }
        let doubles = values(bytes, header: header, as: Double.self)
        return doubles.map { Int($0) }
    }

    /// A 1-D array of numbers in the caller's precision (a float64 member into `Float` rounds, as
    /// scipy's `astype` would).
    static func values<S: BLASScalar>(_ bytes: [UInt8], path: String) throws(DescentError) -> [S] {
        let header = try header(bytes, path: path)
        guard header.shape.count == 1 else {
            throw .invalidFile(path: path, format: ".npy", reason: "it holds an array of shape \(header.shape); a 1-D array is expected")
        }
        return values(bytes, header: header, as: S.self)
    }

    static func values<S: BLASScalar>(_ bytes: [UInt8], header: NPYFormat.Header, as _: S.Type) -> [S] {
        [S](largeUninitializedCapacity: header.count) { out, initialized in
            bytes.withUnsafeBytes { raw in
                if header.count > 0 {
                    NPYReader.widen(raw.baseAddress! + header.dataOffset, count: header.count, header.element,
                                    into: UnsafeMutableRawPointer(out.baseAddress!), as: S.self)
                }
            }
            initialized = header.count
        }
    }

    /// A 0-D string member (`<U…` as numpy writes `str`, or `|S…` bytes).
    static func string(_ bytes: [UInt8], path: String) throws(DescentError) -> String {
        try bytes.withUnsafeBytes { raw -> Result<String, DescentError> in
            do throws(DescentError) { return .success(try string(raw, path: path)) } catch { return .failure(error) }
        }.get()
    }

    static func string(_ raw: UnsafeRawBufferPointer, path: String) throws(DescentError) -> String {
        let (dict, offset) = try NPYFormat.parseDictionary(raw, path: path)
        guard case let .string(descr)? = dict["descr"], descr.count >= 3,
              let width = Int(descr.dropFirst(2)), case .tuple([])? = dict["shape"] else {
            throw .invalidFile(path: path, format: ".npy", reason: "it is not a 0-d string array")
        }
        let data = raw[offset...]
        if descr.dropFirst().hasPrefix("U"), data.count == 4 * width {
            let scalars = (0..<width).compactMap { k -> Unicode.Scalar? in
                var value: UInt32 = 0
                for b in 0..<4 { value |= UInt32(data[offset + 4 * k + b]) << (8 * b) }
                return value == 0 ? nil : Unicode.Scalar(value)
            }
            return String(String.UnicodeScalarView(scalars))
        }
        if descr.dropFirst().hasPrefix("S"), data.count == width {
            return String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
        }
        throw .invalidFile(path: path, format: ".npy", reason: "its string dtype \(descr) does not match its \(data.count) bytes")
    }
}
