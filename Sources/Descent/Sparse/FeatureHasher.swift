/// Feature hashing (the "hashing trick"): string features, or `name=value` categoricals, mapped to
/// `2^bits` columns by a signed hash, with no vocabulary to store.
///
/// The hash is MurmurHash3 (x86, 32-bit, seed 0) of the feature's UTF-8 bytes, read as a signed
/// 32-bit integer `h`; the column is `|h| mod 2^bits` and, with `alternateSign`, the value's sign
/// is flipped when `h < 0`, so that collisions cancel in expectation. This is scikit-learn's
/// `FeatureHasher(n_features=2**bits, alternate_sign=True)` bit for bit, including its rule for
/// `h = −2³¹` and its naming of string values (`"name=value"` with value 1). MurmurHash3 is
/// defined on bytes, so the columns are the same on every platform and in every release.
///
/// ```swift
/// let hasher = try FeatureHasher(bits: 20)
/// let X: SparseMatrix<Double> = try hasher.transform([["word": 2, "other": 1], ["word": 1]])
/// let Y: SparseMatrix<Double> = try hasher.transform([["the", "cat"], ["cat"]])     // value 1 each
/// ```
public struct FeatureHasher: Sendable, Hashable {
    /// The number of columns is `2^bits`.
    public let bits: Int
    /// Flip the sign of a feature whose hash is negative (scikit-learn's default).
    public let alternateSign: Bool

    /// `2^bits`.
    public var columns: Int { 1 << bits }

    /// A hasher into `2^bits` columns.
    ///
    /// - Parameters:
    ///   - bits: 1 through 30 (scikit-learn's `n_features` must fit a signed 32-bit integer).
    ///   - alternateSign: scikit-learn's `alternate_sign` (default `true`).
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` naming `bits`.
    public init(bits: Int, alternateSign: Bool = true) throws(DescentError) {
        guard (1...30).contains(bits) else {
            throw .invalidOption(name: "bits", value: "\(bits)", expected: "1 through 30 (2^bits columns)")
        }
        self.bits = bits
        self.alternateSign = alternateSign
    }

    /// MurmurHash3 x86 32-bit of `bytes` with `seed`, as a signed integer (scikit-learn's
    /// `murmurhash3_32(…, positive=False)`).
    public static func murmurHash3(_ bytes: some Collection<UInt8>, seed: UInt32 = 0) -> Int32 {
        let c1: UInt32 = 0xcc9e_2d51, c2: UInt32 = 0x1b87_3593
        var h = seed
        var block: UInt32 = 0
        var count = 0
        func mix(_ k: UInt32) -> UInt32 {
            var k = k &* c1
            k = (k << 15) | (k >> 17)
            return k &* c2
        }
        for byte in bytes {
            block |= UInt32(byte) << (8 * (count & 3))
            count += 1
            if count & 3 == 0 {
                h ^= mix(block)
                h = (h << 13) | (h >> 19)
                h = h &* 5 &+ 0xe654_6b64
                block = 0
            }
        }
        if count & 3 != 0 { h ^= mix(block) }
        h ^= UInt32(truncatingIfNeeded: count)
        h ^= h >> 16
        h = h &* 0x85eb_ca6b
        h ^= h >> 13
        h = h &* 0xc2b2_ae35
        h ^= h >> 16
        return Int32(bitPattern: h)
    }

    /// The column and sign of one feature name.
    func place(_ name: String) -> (column: Int, sign: Double) { place(bytes: name.utf8) }

    /// The column and sign of one feature name given as its UTF-8 bytes.
    func place(bytes: some Collection<UInt8>) -> (column: Int, sign: Double) {
        let h = Self.murmurHash3(bytes)
        let n = columns
        let column = h == Int32.min ? (Int(Int32.max) - (n - 1)) % n : Int(h.magnitude) % n
        return (column, alternateSign && h < 0 ? -1 : 1)
    }

    /// Hashes rows of named numeric features (a feature's value 0 is left out; features that land
    /// on one column are summed, as scikit-learn sums them).
    ///
    /// - Parameter rows: One dictionary a row, feature name to value.
    /// - Returns: `rows.count × 2^bits` sparse features.
    /// - Throws: ``DescentError/nonFiniteValue(at:)`` for a NaN or ±∞ value (or sum).
    /// - Complexity: O(total features · log(features of a row)).
    public func transform<Scalar: BLASScalar>(_ rows: [[String: Double]]) throws(DescentError) -> SparseMatrix<Scalar> {
        try matrix(rows.map { row in row.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } })
    }

    /// Hashes rows of categorical features: `name=value` with value 1 (scikit-learn's rule for
    /// string values in `input_type="dict"`).
    ///
    /// - Parameter rows: One dictionary a row, feature name to its level.
    /// - Returns: `rows.count × 2^bits` sparse features.
    /// - Throws: as ``transform(_:)-([[String:Double]])``.
    public func transform<Scalar: BLASScalar>(_ rows: [[String: String]]) throws(DescentError) -> SparseMatrix<Scalar> {
        try matrix(rows.map { row in row.sorted { $0.key < $1.key }.map { ("\($0.key)=\($0.value)", 1.0) } })
    }

    /// Hashes rows of string features, each with value 1 (a token seen twice counts 2), as
    /// scikit-learn's `input_type="string"`.
    ///
    /// - Parameter rows: The features of each row.
    /// - Returns: `rows.count × 2^bits` sparse features.
    /// - Throws: as ``transform(_:)-([[String:Double]])``.
    public func transform<Scalar: BLASScalar>(_ rows: [[String]]) throws(DescentError) -> SparseMatrix<Scalar> {
        try matrix(rows.map { row in row.map { ($0, 1.0) } })
    }

    func matrix<Scalar: BLASScalar>(_ rows: [[(String, Double)]]) throws(DescentError) -> SparseMatrix<Scalar> {
        var triplets = [(row: Int, column: Int, value: Scalar)]()
        for (i, row) in rows.enumerated() {
            for (name, value) in row where value != 0 {
                guard value.isFinite else { throw .nonFiniteValue(at: .features(row: i, column: place(name).column)) }
                let (column, sign) = place(name)
                triplets.append((i, column, Scalar(sign * value)))
            }
        }
        return try SparseMatrix(rows: rows.count, columns: columns, triplets: triplets)
    }
}
