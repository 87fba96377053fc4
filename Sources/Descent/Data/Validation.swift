/// Checks of user data shared by training, prediction and the solvers; each throws the typed
/// error a user can act on.
enum Validation {
    /// Rows and targets agree, and there is at least one row and one column.
    static func checkShape<S: BLASScalar>(_ features: Matrix<S>, _ targets: [S]) throws(DescentError) {
        guard features.rows == targets.count else {
            throw .targetCountMismatch(rows: features.rows, targets: targets.count)
        }
        guard features.rows > 0 else { throw .noRows }
        guard features.columns > 0 else { throw .noFeatures }
    }

    /// Rows of features and of targets agree, and there is at least one row, one feature column and
    /// one target column.
    static func checkShape<S: BLASScalar>(_ features: Matrix<S>, targets: Matrix<S>) throws(DescentError) {
        guard features.rows == targets.rows else {
            throw .targetCountMismatch(rows: features.rows, targets: targets.rows)
        }
        guard features.rows > 0 else { throw .noRows }
        guard features.columns > 0 else { throw .noFeatures }
        guard targets.columns > 0 else {
            throw .invalidOption(name: "targets", value: "a \(targets.rows) × 0 matrix",
                                 expected: "at least one target column")
        }
    }

    /// Every target in a matrix of targets is finite.
    static func checkFinite<S: BLASScalar>(targets: Matrix<S>) throws(DescentError) {
        if let index = targets.withUnsafeBufferPointer({ firstNonFinite($0) }) {
            throw .nonFiniteValue(at: .targetMatrix(row: index / targets.columns, column: index % targets.columns))
        }
    }

    /// Every element is finite. One vectorisable pass (`x − x` is NaN exactly for NaN and ±∞);
    /// the location is searched for only when something is wrong.
    static func checkFinite<S: BLASScalar>(_ features: Matrix<S>) throws(DescentError) {
        if let index = features.withUnsafeBufferPointer({ firstNonFinite($0) }) {
            throw .nonFiniteValue(at: .features(row: index / features.columns, column: index % features.columns))
        }
    }

    static func checkFinite<S: BLASScalar>(_ targets: [S]) throws(DescentError) {
        if let index = targets.withUnsafeBufferPointer({ firstNonFinite($0) }) {
            throw .nonFiniteValue(at: .targets(index: index))
        }
    }

    static func firstNonFinite<S: BLASScalar>(_ values: UnsafeBufferPointer<S>) -> Int? {
        guard let base = values.baseAddress else { return nil }
        let n = values.count
        var probe = SIMD8<S>()
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<S>.self)
            probe += v - v
            i += 8
        }
        var tail = S.zero
        while i < n { tail += base[i] - base[i]; i += 1 }
        if probe.sum().isFinite && tail.isFinite { return nil }
        return values.firstIndex { !$0.isFinite }
    }

    /// Sample weights: one per row, finite, ≥ 0, and not all zero.
    static func checkWeights<S: BLASScalar>(_ weights: [S], rows: Int) throws(DescentError) {
        guard weights.count == rows else {
            throw .invalidOption(name: "weights", value: "\(weights.count) weights",
                                 expected: "one weight per row (\(rows))")
        }
        if let index = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw .invalidOption(name: "weights", value: "weights[\(index)] = \(weights[index]) (zero-based)",
                                 expected: "finite weights ≥ 0")
        }
        guard weights.contains(where: { $0 > 0 }) else {
            throw .invalidOption(name: "weights", value: "all zero", expected: "at least one weight > 0")
        }
    }
}
