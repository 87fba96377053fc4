/// A seeded split of rows into training, validation and test sets.
public struct DataSplit<Scalar: BLASScalar>: Sendable {
    /// The training rows and targets.
    public let training: (features: Matrix<Scalar>, targets: [Scalar])
    /// The validation rows and targets (empty when the fraction is 0).
    public let validation: (features: Matrix<Scalar>, targets: [Scalar])
    /// The test rows and targets (empty when the fraction is 0).
    public let test: (features: Matrix<Scalar>, targets: [Scalar])

    /// Splits the rows in a seeded random order: the first `validationFraction` of them for
    /// validation, the next `testFraction` for testing, the rest for training. Each part keeps
    /// the rows' original relative order.
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - validationFraction: The share of rows for validation, in [0, 1).
    ///   - testFraction: The share of rows for testing, in [0, 1).
    ///   - seed: Seeds the random order; the same seed gives the same split.
    /// - Throws: ``DescentError`` for inconsistent shapes, or fractions that are not in [0, 1),
    ///   sum to 1 or more, or leave no training row.
    /// - Complexity: O(rows × columns); the parts are copies.
    public init(features: Matrix<Scalar>, targets: [Scalar], validationFraction: Double = 0.1,
                testFraction: Double = 0.1, seed: UInt64 = RandomSource.defaultSeed) throws(DescentError) {
        try Validation.checkShape(features, targets)
        guard validationFraction.isFinite, testFraction.isFinite, validationFraction >= 0, testFraction >= 0,
              validationFraction + testFraction < 1 else {
            throw .invalidOption(name: "validationFraction, testFraction", value: "\(validationFraction), \(testFraction)",
                                 expected: "fractions ≥ 0 whose sum is below 1")
        }
        let n = features.rows
        let validationCount = Int((validationFraction * Double(n)).rounded())
        let testCount = Int((testFraction * Double(n)).rounded())
        guard validationCount + testCount < n else {
            throw .invalidOption(name: "validationFraction, testFraction", value: "\(validationFraction), \(testFraction)",
                                 expected: "fractions that leave at least one of the \(n) rows for training")
        }
        var random = RandomSource(seed: seed)
        let parts = random.partition(n, sizes: [validationCount, testCount])
        func part(_ rows: [Int]) -> (features: Matrix<Scalar>, targets: [Scalar]) {
            let d = features.columns
            var elements = [Scalar]()
            elements.reserveCapacity(rows.count * d)
            features.withUnsafeBufferPointer { x in
                for i in rows { elements.append(contentsOf: x[(i * d)..<((i + 1) * d)]) }
            }
            return (try! Matrix(rows: rows.count, columns: d, elements: elements), rows.map { targets[$0] })
        }
        validation = part(parts[0])
        test = part(parts[1])
        training = part(parts[2])
    }
}
