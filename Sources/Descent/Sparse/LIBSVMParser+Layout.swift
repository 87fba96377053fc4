extension LIBSVMParser {
    /// The indices a file (or the part of it read so far) holds: enough to decide its index base and
    /// column count, whether it is read at once or chunk by chunk.
    struct IndexExtent {
        /// The largest index seen, as written, and its line.
        var largestIndex: Int?
        var largestIndexLine: Int?
        /// The first line with an index 0, if any.
        var zeroIndexLine: Int?
        /// Whether any index was seen.
        var hasIndices: Bool { largestIndex != nil }

        /// Records index `index` on line `line`.
        mutating func add(_ index: Int, line: Int) {
            if index == 0, zeroIndexLine == nil { zeroIndexLine = line }
            if index > (largestIndex ?? -1) {
                largestIndex = index
                largestIndexLine = line
            }
        }

        /// Adds what a later part of the file holds.
        mutating func merge(_ later: IndexExtent) {
            if zeroIndexLine == nil { zeroIndexLine = later.zeroIndexLine }
            if let index = later.largestIndex, index > (largestIndex ?? -1) {
                largestIndex = index
                largestIndexLine = later.largestIndexLine
            }
        }

        /// The index base and column count: `zeroBased` and `columns` as declared, or detected as
        /// scikit-learn detects them (an index 0 anywhere means zero-based; the largest index + 1).
        ///
        /// - Throws: ``DescentError/invalidFile(path:format:reason:)`` naming the line of an index
        ///   0 in a file declared one-based, or of an index outside the declared columns;
        ///   ``DescentError/invalidOption(name:value:expected:)`` for `columns` < 0.
        func layout(columns: Int?, zeroBased: Bool?, path: String) throws(DescentError) -> Layout {
            func fail(_ line: Int, _ reason: String) -> DescentError {
                .invalidFile(path: path, format: "LIBSVM", reason: "line \(line): \(reason)")
            }
            let shift: Int
            switch zeroBased {
            case true?: shift = 0
            case false?:
                if let line = zeroIndexLine {
                    throw fail(line, "index 0 in a file read as one-based (zeroBased: false): indices start at 1")
                }
                shift = 1
            case nil: shift = zeroIndexLine == nil && hasIndices ? 1 : 0
            }
            let needed = largestIndex.map { $0 - shift + 1 } ?? 0
            let width = columns ?? needed
            guard width >= 0 else {
                throw .invalidOption(name: "columns", value: "\(width)", expected: "a number of columns ≥ 0")
            }
            if needed > width, let line = largestIndexLine, let index = largestIndex {
                throw fail(line, "index \(index) is column \(index - shift), outside the \(width) columns asked for (columns: \(width))")
            }
            return Layout(shift: shift, columns: width)
        }
    }

    /// How a file's indices become columns.
    struct Layout: Sendable, Hashable {
        /// 1 for a one-based file, 0 for a zero-based one.
        let shift: Int
        /// The number of columns.
        let columns: Int
    }
}

extension LIBSVMParser.Parsed {
    /// The features these lines hold, their indices shifted and checked against `layout`.
    ///
    /// - Throws: ``DescentError/invalidFile(path:format:reason:)`` naming the line of an index
    ///   outside the columns (when `layout` was fixed before these lines were read) or of a value that
    ///   does not fit in `Scalar`.
    func features<Scalar: BLASScalar>(_ layout: LIBSVMParser.Layout, path: String) throws(DescentError) -> SparseMatrix<Scalar> {
        func fail(_ line: Int, _ reason: String) -> DescentError {
            .invalidFile(path: path, format: "LIBSVM", reason: "line \(line): \(reason)")
        }
        if let index = extent.largestIndex, index - layout.shift >= layout.columns, let line = extent.largestIndexLine {
            throw fail(line, "index \(index) is column \(index - layout.shift), outside the \(layout.columns) columns "
                       + "(columns: \(layout.columns))")
        }
        if layout.shift == 1, let line = extent.zeroIndexLine {
            throw fail(line, "index 0 in a file read as one-based: indices start at 1")
        }
        let shifted = layout.shift == 0 ? indices : indices.map { $0 - layout.shift }
        let matrix = SparseMatrix<Scalar>(unchecked: offsets.count - 1, columns: layout.columns, rowOffsets: offsets,
                                          columnIndices: shifted, values: values.map { Scalar($0) })
        if let k = matrix.values.firstIndex(where: { !$0.isFinite }) {
            throw fail(lineOfValue(k), "the value \(values[k]) does not fit in \(Scalar.precisionName)")
        }
        return matrix
    }
}
