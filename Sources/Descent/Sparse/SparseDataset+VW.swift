extension SparseDataset {
    /// Reads a Vowpal Wabbit text file (simple labels), its string features hashed into
    /// `hasher.columns` columns.
    ///
    /// A line is `label [importance] ['tag]|namespace[:weight] feature[:value] … |other …`:
    /// - `label` is the target; `importance` (default 1, ≥ 0) the row's sample weight, kept in
    ///   ``weights`` when any line gives one; the tag (a last word starting with `'`, or touching
    ///   the `|`, as VW reads it) is not kept;
    /// - `|name` starts namespace `name` (`|name:2` multiplies its values by 2); `| ` (a bar and a
    ///   space) starts the default namespace;
    /// - `feature` has value 1, `feature:value` the value given; a value 0 is not stored.
    ///
    /// **The hash.** A feature `f` of namespace `ns` is hashed as the UTF-8 string `ns^f` (the
    /// name VW's audit mode prints), a feature of the default namespace as `f`, by ``FeatureHasher``:
    /// MurmurHash3 (x86, 32-bit, seed 0) as scikit-learn's `FeatureHasher`, so
    /// `FeatureHasher(n_features=2**bits, input_type="pair").transform([[("ns^f", value · weight), …]])`
    /// gives the same matrix. This is **not** VW's own hashing (which seeds by namespace and treats
    /// integer names apart), so a VW model's weights do not carry over; features that land on one
    /// column are summed, with the sign ``FeatureHasher/alternateSign`` gives them.
    ///
    /// Blank lines are skipped. Multi-line examples, label types other than a number, and the
    /// initial prediction (a third number before the `|`) are not read.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - hasher: The hashing: `hasher.columns` columns.
    /// - Throws: ``DescentError/invalidFile(path:format:reason:)`` naming the line (1-based) and what
    ///   is wrong there: no `|`, no label (or a label touching the `|`, which VW reads as a tag), a
    ///   label, importance, namespace weight or value that is not a finite number, a negative
    ///   importance, a feature with no name; ``DescentError/fileNotReadable(path:reason:)``.
    /// - Complexity: O(file size + nnz·log(nnz of a row)) time; O(nnz) memory beyond the file's bytes.
    public init(vwFile path: String, hasher: FeatureHasher) throws(DescentError) {
        let bytes = try FileIO.readAll(path)
        let parsed = try bytes.withUnsafeBufferPointer { (buffer) throws(DescentError) in
            try VWParser.parse(buffer, hasher: hasher, path: path)
        }
        try self.init(features: parsed.features(columns: hasher.columns, path: path), targets: parsed.labels.map { Scalar($0) },
                      weights: parsed.weighted ? parsed.weights.map { Scalar($0) } : nil)
    }

    /// Reads a Vowpal Wabbit text file, its features hashed into `2^bits` columns with signs
    /// (`FeatureHasher(bits: bits)`); see ``init(vwFile:hasher:)``.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - bits: 1 through 30 (VW's default is 18).
    /// - Throws: as ``init(vwFile:hasher:)``; ``DescentError/invalidOption(name:value:expected:)``
    ///   naming `bits`.
    public init(vwFile path: String, bits: Int) throws(DescentError) {
        try self.init(vwFile: path, hasher: FeatureHasher(bits: bits))
    }
}
