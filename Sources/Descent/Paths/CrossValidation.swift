/// K-fold cross-validation of a family of candidate fits (a path of `λ`, a ridge grid) with
/// seeded folds: the validation error of every candidate, its standard error, the minimum and the
/// one-standard-error choices, and the refit on every row.
///
/// ```swift
/// let cv = try CrossValidation(folds: 10, seed: 1).evaluate(ElasticNet.path(alpha: 0.5), features: X, targets: y)
/// cv.meanErrors; cv.standardErrors; cv.bestLambda; cv.oneStandardErrorLambda; cv.model; cv.folds
/// ```
///
/// As R's `cv.glmnet`: the candidates (`λ`) are fixed on all rows first; each fold's rows are
/// held out in turn, the candidates fitted on the others and scored by the mean squared error on
/// the held-out rows; the mean error of a candidate is the fold errors' mean weighted by the folds'
/// sizes (every row's squared error counted once), and its standard error
/// `√(Σₖnₖ(eₖ − ē)²/Σₖnₖ/(K − 1))`. The one-standard-error choice is the largest `λ` whose mean
/// error is within one standard error of the minimum's.
public struct CrossValidation: Sendable, Hashable {
    /// The number of folds `K ≥ 2`.
    public let folds: Int
    /// The seed of the fold assignment.
    public let seed: UInt64

    /// K folds, assigned by a ``RandomSource`` with this seed: the same seed, the same folds.
    ///
    /// - Parameters:
    ///   - folds: `K ≥ 2` (checked when used, against the rows).
    ///   - seed: The seed (``RandomSource/defaultSeed`` by default).
    public init(folds: Int = 10, seed: UInt64 = RandomSource.defaultSeed) {
        self.folds = folds
        self.seed = seed
    }

    /// The fold of each of `rows` rows: a seeded shuffle of the rows dealt round the folds, so
    /// fold sizes differ by at most one.
    ///
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` when `K < 2` or `K > rows`.
    /// - Complexity: O(rows).
    public func assignments(rows: Int) throws(DescentError) -> [Int] {
        try check(units: rows, what: "rows")
        var order = Array(0..<rows)
        var random = RandomSource(seed: seed)
        random.shuffle(&order)
        var fold = [Int](repeating: 0, count: rows)
        for (position, row) in order.enumerated() { fold[row] = position % folds }
        return fold
    }

    /// The fold of each row when rows of one group must stay together (repeated measures, one
    /// patient's visits): the distinct labels, in order of first appearance, are shuffled and
    /// dealt round the folds.
    ///
    /// - Parameter groups: One label per row.
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` when there are fewer than
    ///   `K` groups or `K < 2`.
    /// - Complexity: O(rows).
    public func assignments<Label: Hashable>(groups: [Label]) throws(DescentError) -> [Int] {
        var index = [Label: Int]()
        for label in groups where index[label] == nil { index[label] = index.count }
        try check(units: index.count, what: "groups")
        let foldOfGroup = try assignments(rows: index.count)
        return groups.map { foldOfGroup[index[$0]!] }
    }

    func check(units: Int, what: String) throws(DescentError) {
        guard folds >= 2, folds <= units else {
            throw .invalidOption(name: "folds", value: "\(folds)", expected: "between 2 and the number of \(what) (\(units))")
        }
    }

    /// Cross-validates `candidates` on rows in memory.
    ///
    /// - Parameters:
    ///   - candidates: What to fit: ``ElasticNet/path(alpha:lambdas:count:minimumRatio:standardize:)``
    ///     or ``RidgeRegression/grid(_:)``.
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - folds: The fold of every row (`0..<K`), or `nil` for ``assignments(rows:)``; pass
    ///     ``assignments(groups:)`` for grouped folds.
    /// - Returns: The errors per candidate, the choices and the refit on all rows.
    /// - Throws: as the candidates' fits, and ``DescentError/invalidOption(name:value:expected:)``
    ///   for unusable folds.
    /// - Complexity: `K + 1` fits of the candidates, plus `O(n·d·L)` for the validation errors.
    public func evaluate<Candidates: CrossValidationCandidates, Scalar: BLASScalar>(
        _ candidates: Candidates, features: Matrix<Scalar>, targets: [Scalar], folds: [Int]? = nil)
        throws(DescentError) -> CrossValidationResult<Scalar> {
        try Validation.checkShape(features, targets)
        let n = features.rows, d = features.columns
        let fold: [Int]
        if let folds { fold = folds } else { fold = try assignments(rows: n) }
        let count = self.folds
        guard fold.count == n, fold.allSatisfy({ $0 >= 0 && $0 < count }), Set(fold).count == count else {
            throw .invalidOption(name: "folds", value: "\(fold.count) fold numbers", expected: "one per row, each in 0..<\(count), every fold used")
        }
        let all = try candidates.fit(features, targets, lambdas: nil)
        let lambdas = all.lambdas
        var errors = [[Double]](repeating: [Double](repeating: 0, count: lambdas.count), count: count)
        var sizes = [Double](repeating: 0, count: count)
        let sizesOfFolds = (0..<count).map { k in fold.reduce(0) { $0 + ($1 == k ? 1 : 0) } }
        for k in 0..<count {
            // The fold's rows and the others', copied row by row (one allocation each).
            var trainX = [Scalar](), trainY = [Scalar](), testX = [Scalar](), testY = [Scalar]()
            trainX.reserveCapacity((n - sizesOfFolds[k]) * d)
            trainY.reserveCapacity(n - sizesOfFolds[k])
            testX.reserveCapacity(sizesOfFolds[k] * d)
            testY.reserveCapacity(sizesOfFolds[k])
            features.withUnsafeBufferPointer { x in
                for i in 0..<n {
                    let row = UnsafeBufferPointer(rebasing: x[(i * d)..<((i + 1) * d)])
                    if fold[i] == k {
                        testX.append(contentsOf: row); testY.append(targets[i])
                    } else {
                        trainX.append(contentsOf: row); trainY.append(targets[i])
                    }
                }
            }
            let train = try Matrix(rows: trainY.count, columns: d, elements: trainX)
            let test = try Matrix(rows: testY.count, columns: d, elements: testX)
            let fit = try candidates.fit(train, trainY, lambdas: lambdas)
            sizes[k] = Double(testY.count)
            for (l, model) in fit.models.enumerated() {
                let predictions = try model.predict(test)
                let loss = candidates.validationLoss
                errors[k][l] = zip(predictions, testY).reduce(0.0) { $0 + loss.value(Double($1.0) - Double($1.1)) } / sizes[k]
            }
        }
        return CrossValidationResult(lambdas: lambdas, foldErrors: errors, foldSizes: sizes, folds: fold, models: all.models)
    }
}

/// The validation errors of every candidate over the folds (``CrossValidation``).
public struct CrossValidationResult<Scalar: BLASScalar>: Sendable {
    /// The candidates' `λ`, as fitted on all rows.
    public let lambdas: [Double]
    /// The validation error of each candidate on each fold's held-out rows, `K` arrays of `L`: the
    /// mean squared error, or the mean of a gradient-descent configuration's own loss.
    public let foldErrors: [[Double]]
    /// The fold of every row.
    public let folds: [Int]
    /// Each candidate's mean validation error (fold errors weighted by fold sizes).
    public let meanErrors: [Double]
    /// Each candidate's standard error, `√(Σₖnₖ(eₖ − ē)²/Σₖnₖ/(K − 1))` (`cv.glmnet`'s `cvsd`).
    public let standardErrors: [Double]
    /// The position of the smallest mean error (the first, largest `λ`, of equal ones).
    public let bestIndex: Int
    /// The position of the largest `λ` within one standard error of the minimum.
    public let oneStandardErrorIndex: Int
    /// The fit on all rows at ``bestLambda``.
    public let model: LinearModel<Scalar>
    /// The fits on all rows at every `λ`.
    public let models: [LinearModel<Scalar>]

    init(lambdas: [Double], foldErrors: [[Double]], foldSizes: [Double], folds: [Int], models: [LinearModel<Scalar>]) {
        self.lambdas = lambdas
        self.foldErrors = foldErrors
        self.folds = folds
        self.models = models
        let total = foldSizes.reduce(0, +), count = Double(foldSizes.count)
        let means = lambdas.indices.map { l in foldErrors.indices.reduce(0.0) { $0 + foldSizes[$1] * foldErrors[$1][l] } / total }
        let errors = lambdas.indices.map { l in
            let spread = foldErrors.indices.reduce(0.0) { $0 + foldSizes[$1] * (foldErrors[$1][l] - means[l]) * (foldErrors[$1][l] - means[l]) }
            return (spread / total / (count - 1)).squareRoot()
        }
        let best = means.indices.min { means[$0] < means[$1] || (means[$0] == means[$1] && lambdas[$0] > lambdas[$1]) }!
        let limit = means[best] + errors[best]
        meanErrors = means
        standardErrors = errors
        bestIndex = best
        oneStandardErrorIndex = means.indices.filter { means[$0] <= limit }.max { lambdas[$0] < lambdas[$1] }!
        model = models[best]
    }

    /// The `λ` of the smallest mean validation error (`cv.glmnet`'s `lambda.min`).
    public var bestLambda: Double { lambdas[bestIndex] }
    /// The largest `λ` within one standard error of the minimum (`lambda.1se`).
    public var oneStandardErrorLambda: Double { lambdas[oneStandardErrorIndex] }
}
