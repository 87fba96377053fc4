#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

extension Matrix {
    /// Reads a NumPy `.npy` file (versions 1.0, 2.0, 3.0): a 2-D array as a matrix, a 1-D array of
    /// `n` values as `n × 1`.
    ///
    /// A file that holds this matrix's own type (`<f8` for `Double`, `<f4` for `Float`) in C order
    /// is memory-mapped, not read: opening it costs no copy (``isMemoryMapped``; the file must not
    /// be changed while the matrix is in use). Anything else is read and converted: big-endian
    /// floats byte-swapped, Fortran order transposed into row-major, integers and booleans
    /// converted, `float32` widened into `Matrix<Double>`. A `float64` file into `Matrix<Float>`
    /// rounds every value, so it is an error unless `allowPrecisionLoss` is set.
    ///
    /// - Parameters:
    ///   - path: The file's path.
    ///   - allowPrecisionLoss: Round `float64` values into a `Float` matrix instead of refusing.
    /// - Throws: ``DescentError/fileNotReadable(path:reason:)`` for a missing file, a directory or
    ///   a read error; ``DescentError/invalidFile(path:format:reason:)`` for anything that is not
    ///   a well-formed 1-D or 2-D numeric `.npy` file (wrong magic or version, complex, object or
    ///   structured dtypes, a shape that disagrees with the file's size, a malformed header).
    /// - Complexity: O(1) when mapped; one pass over the file otherwise.
    public init(npyFile path: String, allowPrecisionLoss: Bool = false) throws(DescentError) {
        let (fd, size) = try FileIO.openForReading(path)
        defer { close(fd) }
        let header = try NPYFormat.readHeader(fd, size: size, path: path)
        let element = header.element
        try header.checkPrecision(Scalar.self, allowPrecisionLoss: allowPrecisionLoss, path: path,
                                  reader: "Float matrix", wider: "read it as Matrix<Double>")
        let rows = header.rows, columns = header.columns
        let native = element.kind == .float && element.size == MemoryLayout<Scalar>.size && !element.bigEndian
        let rowMajor = !header.fortranOrder || rows == 1 || columns == 1
        if native, rowMajor, header.count > 0, header.dataOffset % MemoryLayout<Scalar>.alignment == 0 {
            let file = try MappedFile(path)
            self.init(rows: rows, columns: columns,
                      mapped: _MappedElements(file: file, offset: header.dataOffset, count: header.count))
            return
        }
        // Every element is written by the conversion, so the array is not zero-filled first. Not
        // on huge pages (``HugePages``): on the project's VM, whose host takes free memory back, a
        // fresh 2 MiB page's first write cost 6× a 4 KiB page's (800 MB: 1.5–1.7 s against 0.26 s,
        // a C harness), and a float32 file of 1,000,000 × 100 widened into Double took 0.57–1.42 s
        // advised against 0.34 s not (`bench --out-of-core`, three alternating runs): more than
        // the pages save over hundreds of epochs.
        var failure: DescentError?
        let elements = [Scalar](unsafeUninitializedCapacity: header.count) { buffer, initialized in
            do throws(DescentError) {
                try NPYReader.convert(fd, header: header, path: path, rowMajor: rowMajor, into: buffer)
                initialized = header.count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        try self.init(rows: rows, columns: columns, elements: elements)
    }

    /// Reads a NumPy `.npy` file; see ``init(npyFile:allowPrecisionLoss:)-(String,_)``.
    ///
    /// - Parameters:
    ///   - url: The file's URL.
    ///   - allowPrecisionLoss: Round `float64` values into a `Float` matrix instead of refusing.
    /// - Throws: as ``init(npyFile:allowPrecisionLoss:)-(String,_)``.
    public init(npyFile url: URL, allowPrecisionLoss: Bool = false) throws(DescentError) {
        try self.init(npyFile: url.path, allowPrecisionLoss: allowPrecisionLoss)
    }

    /// Writes the matrix as a NumPy `.npy` file (version 1.0, C order, `<f8` or `<f4`, shape
    /// `(rows, columns)`) that `numpy.load` reads back bit for bit. The file appears under its
    /// name only when completely written.
    ///
    /// - Parameter path: The file's path; an existing file is replaced.
    /// - Throws: ``DescentError/fileNotWritable(path:reason:)``.
    public func writeNPY(to path: String) throws(DescentError) {
        try withUnsafeBufferPointer { (values) throws(DescentError) in
            try NPYReader.write(values, shape: [rows, columns], to: path)
        }
    }

    /// Writes the matrix as a NumPy `.npy` file; see ``writeNPY(to:)-(String)``.
    ///
    /// - Parameter url: The file's URL.
    /// - Throws: ``DescentError/fileNotWritable(path:reason:)``.
    public func writeNPY(to url: URL) throws(DescentError) {
        try writeNPY(to: url.path)
    }
}

extension Array where Element: BLASScalar {
    /// Writes the values as a 1-D NumPy `.npy` file (shape `(count,)`), as `numpy.save` would.
    ///
    /// - Parameter path: The file's path; an existing file is replaced.
    /// - Throws: ``DescentError/fileNotWritable(path:reason:)``.
    public func writeNPY(to path: String) throws(DescentError) {
        let result = withUnsafeBufferPointer { (values) -> Result<Void, DescentError> in
            do throws(DescentError) { return .success(try NPYReader.write(values, shape: [count], to: path)) }
            catch { return .failure(error) }
        }
        try result.get()
    }
}

/// Conversion of `.npy` data that cannot be mapped, and writing.
enum NPYReader {
    /// Reads the data after `header` in chunks, converting each element into `out` (transposing
    /// Fortran order).
    static func convert<S: BLASScalar>(_ fd: Int32, header: NPYFormat.Header, path: String, rowMajor: Bool,
                                       into destination: UnsafeMutableBufferPointer<S>) throws(DescentError) {
        let element = header.element, size = element.size
        let rows = header.rows, columns = header.columns
        let chunkElements = Swift.max(1, (1 << 20) / size)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkElements * size, alignment: 8)
        defer { buffer.deallocate() }
        let staging = UnsafeMutablePointer<S>.allocate(capacity: rowMajor ? 0 : chunkElements)
        defer { staging.deallocate() }
        guard let base = destination.baseAddress else { return }
        var k = 0
        while k < header.count {
            let n = Swift.min(chunkElements, header.count - k)
            let got = try FileIO.read(fd, into: buffer, count: n * size, offset: header.dataOffset + k * size, path: path)
            guard got == n * size else {
                throw .invalidFile(path: path, format: ".npy", reason: "the file ended early (it changed while being read)")
            }
            if rowMajor {
                widen(buffer, count: n, element, into: UnsafeMutableRawPointer(base + k), as: S.self)
            } else {
                widen(buffer, count: n, element, into: UnsafeMutableRawPointer(staging), as: S.self)
                for e in 0..<n {
                    let index = k + e
                    base[(index % rows) * columns + index / rows] = staging[e]
                }
            }
            k += n
        }
    }

    /// Converts `count` elements of type `element` at `source` into consecutive values of `S` at
    /// `destination`, in order. `source` may be the tail of the destination's bytes when the
    /// element is narrower than `S` (element i is written at `i·size(S)`, which ends before the
    /// unread element i + 1 starts). The loop is specialised for `Double` and `Float`, so a call
    /// from another module does not go through the generic witnesses for every element.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    static func widen<S: BLASScalar>(_ source: UnsafeRawPointer, count: Int, _ element: NPYFormat.ElementType,
                                     into destination: UnsafeMutableRawPointer, as _: S.Type) {
        let size = MemoryLayout<S>.stride
        if element.kind == .float, !element.bigEndian, element.size == 4 {
            for i in 0..<count {
                let value = S(source.loadUnaligned(fromByteOffset: 4 * i, as: Float.self))
                destination.storeBytes(of: value, toByteOffset: i * size, as: S.self)
            }
        } else if element.kind == .float, !element.bigEndian, element.size == 8 {
            for i in 0..<count {
                let value = S(source.loadUnaligned(fromByteOffset: 8 * i, as: Double.self))
                destination.storeBytes(of: value, toByteOffset: i * size, as: S.self)
            }
        } else {
            for i in 0..<count {
                let value: S = decode(source + i * element.size, element)
                destination.storeBytes(of: value, toByteOffset: i * size, as: S.self)
            }
        }
    }

    /// One element's value.
    @inline(__always)
    static func decode<S: BLASScalar>(_ p: UnsafeRawPointer, _ element: NPYFormat.ElementType) -> S {
        func bits<T: FixedWidthInteger>(_: T.Type) -> T {
            let raw = p.loadUnaligned(as: T.self)
            return element.bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
        }
        switch (element.kind, element.size) {
        case (.float, 8): return S(Double(bitPattern: bits(UInt64.self)))
        case (.float, _): return S(Float(bitPattern: bits(UInt32.self)))
        case (.signed, 1): return S(bits(Int8.self))
        case (.signed, 2): return S(bits(Int16.self))
        case (.signed, 4): return S(bits(Int32.self))
        case (.signed, _): return S(bits(Int64.self))
        case (.unsigned, 1): return S(bits(UInt8.self))
        case (.unsigned, 2): return S(bits(UInt16.self))
        case (.unsigned, 4): return S(bits(UInt32.self))
        case (.unsigned, _): return S(bits(UInt64.self))
        case (.boolean, _): return bits(UInt8.self) == 0 ? 0 : 1
        }
    }

    /// Writes `values` with a C-order header for `shape`.
    static func write<S: BLASScalar>(_ values: UnsafeBufferPointer<S>, shape: [Int], to path: String) throws(DescentError) {
        let header = NPYFormat.header(descr: MemoryLayout<S>.size == 8 ? "<f8" : "<f4", shape: shape)
        try FileIO.writeAtomically(path) { (append) throws(DescentError) in
            let result = header.withUnsafeBytes { bytes -> Result<Void, DescentError> in
                do throws(DescentError) { return .success(try append(bytes)) } catch { return .failure(error) }
            }
            try result.get()
            if !values.isEmpty { try append(UnsafeRawBufferPointer(values)) }
        }
    }
}
