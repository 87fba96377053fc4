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

/// A family of fits indexed by `λ` that ``CrossValidation`` can evaluate.
public protocol CrossValidationCandidates: Sendable {
    /// Fits the candidates on these rows: at `lambdas`, or (for `nil`) at the candidates' own
    /// values chosen from these rows. Returns the `λ` and one model per `λ`.
    func fit<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], lambdas: [Double]?)
        throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Scalar>])

    /// The loss a held-out row's residual `r = ŷ − y` costs: the squared error by default; a
    /// gradient-descent configuration scores with its own ``Loss``.
    var validationLoss: Loss { get }

    /// Fits the candidates on the rows of a source (for ``CrossValidation/evaluate(_:from:)``):
    /// an elastic-net path and a ridge grid can; by default, a typed error.
    func fit<Source: RowSource>(from source: Source, lambdas: [Double]?)
        throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Source.Scalar>])
}

extension CrossValidationCandidates {
    /// The squared error.
    public var validationLoss: Loss { .squared }
}

extension GradientDescent {
    /// The candidates of a gradient-descent configuration over a penalty grid, for
    /// ``CrossValidation``: the configuration (mode, optimiser, schedule, **loss**, epochs…) with
    /// its penalty replaced by `penalty(λ)` for each `λ`, each fold's fits from a zero model, and
    /// the validation error the configuration's own loss (`(1/n)Σℓ(ŷᵢ − yᵢ)`: Huber's, the
    /// pinball, … of the held-out rows).
    ///
    /// ```swift
    /// var gd = GradientDescent<Double>(); gd.loss = .huber(delta: 1.35)
    /// let cv = try CrossValidation(folds: 5, seed: 1)
    ///     .evaluate(gd.candidates(lambdas: [1e-1, 1e-2, 1e-3]) { .l2($0) }, features: X, targets: y)
    /// ```
    ///
    /// - Parameters:
    ///   - lambdas: The grid, each ≥ 0.
    ///   - penalty: The penalty at `λ` (`.l2`, `.l1`, `.elasticNet(λ, l1Ratio:)`…).
    /// - Returns: The candidates; evaluated with data of this configuration's precision (another
    ///   precision is a typed error).
    public func candidates(lambdas: [Double], penalty: @escaping @Sendable (Double) -> Penalty)
        -> GradientDescentCandidates<Scalar> {
        GradientDescentCandidates(configuration: self, lambdas: lambdas, penalty: penalty)
    }
}

/// A gradient-descent configuration over a penalty grid (``GradientDescent/candidates(lambdas:penalty:)``).
public struct GradientDescentCandidates<S: BLASScalar>: CrossValidationCandidates, @unchecked Sendable {
    /// The configuration every candidate trains with (its penalty replaced).
    public let configuration: GradientDescent<S>
    /// The grid.
    public let lambdas: [Double]
    /// The penalty at each `λ`.
    public let penalty: @Sendable (Double) -> Penalty

    /// The configuration's loss, which scores the held-out rows.
    public var validationLoss: Loss { configuration.loss }

    /// One fit per `λ` from a zero model (see ``CrossValidationCandidates``).
    public func fit<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], lambdas given: [Double]?)
        throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Scalar>]) {
        let grid = given ?? lambdas
        guard !grid.isEmpty, grid.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw .invalidOption(name: "lambdas", value: "\(grid)", expected: "at least one λ, each finite and ≥ 0")
        }
        guard let x = features as? Matrix<S>, let y = targets as? [S] else {
            throw .invalidOption(name: "features", value: "\(Scalar.precisionName) data",
                                 expected: "\(S.precisionName) data, the precision of the GradientDescent<\(S.self)> configuration")
        }
        var models = [LinearModel<Scalar>]()
        for lambda in grid {
            var gd = configuration
            gd.penalty = penalty(lambda)
            var model = LinearModel<S>()
            try gd.fit(&model, features: x, targets: y)
            models.append(model as! LinearModel<Scalar>)   // S == Scalar, checked above
        }
        return (grid, models)
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

extension ElasticNet {
    /// The candidates of an elastic-net path, for ``CrossValidation``: glmnet's sequence on all rows
    /// (or `lambdas`), then the same `λ` on every fold.
    public struct PathCandidates: CrossValidationCandidates {
        /// The mixing `α`.
        public let alpha: Double
        /// Given `λ`, or `nil` for glmnet's sequence on all rows.
        public let lambdas: [Double]?
        /// The length of glmnet's sequence.
        public let count: Int
        /// glmnet's `lambda.min.ratio`.
        public let minimumRatio: Double?
        /// Penalise standardised coefficients.
        public let standardize: Bool

        /// The path's `λ` and models on these rows (see ``CrossValidationCandidates``).
        public func fit<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], lambdas given: [Double]?)
            throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Scalar>]) {
            let path = try ElasticNet.path(features, targets, alpha: alpha, lambdas: given ?? lambdas, count: count,
                                           minimumRatio: minimumRatio, standardize: standardize)
            return (path.lambdas, path.models)
        }
    }

    /// An elastic-net path to cross-validate: `CrossValidation(folds: 10).evaluate(ElasticNet.path(alpha: 0.5), …)`.
    ///
    /// - Parameters: as ``path(_:_:alpha:lambdas:count:minimumRatio:weights:standardize:mode:tolerance:)``.
    /// - Returns: The candidates.
    public static func path(alpha: Double = 1, lambdas: [Double]? = nil, count: Int = 100, minimumRatio: Double? = nil,
                            standardize: Bool = true) -> PathCandidates {
        PathCandidates(alpha: alpha, lambdas: lambdas, count: count, minimumRatio: minimumRatio, standardize: standardize)
    }
}

extension RidgeRegression {
    /// The candidates of a ridge grid, for ``CrossValidation``: one Gram pass and eigendecomposition
    /// per fit, then every `λ` in `O(d²)` (``RidgeRegression``'s, to rounding the exact solve's).
    public struct GridCandidates: CrossValidationCandidates {
        /// The `λ` (``LeastSquares``' ridge convention), each > 0.
        public let lambdas: [Double]

        /// The ridge fits at every `λ` (see ``CrossValidationCandidates``).
        public func fit<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], lambdas given: [Double]?)
            throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Scalar>]) {
            let grid = given ?? lambdas
            guard !grid.isEmpty, grid.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw .invalidOption(name: "lambdas", value: "\(grid)", expected: "at least one λ, each finite and > 0")
            }
            try Validation.checkShape(features, targets)
            try Validation.checkFinite(features)
            try Validation.checkFinite(targets)
            let d = features.columns
            let spectrum = try features.withUnsafeBufferPointer { (x) throws(DescentError) in
                try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                    try RidgeSpectrum(CentredMoments(SolverRows(x, TargetColumns(y), columns: d)))
                }
            }
            return (grid, grid.map { spectrum.model($0) })
        }
    }

    /// A ridge grid to cross-validate by K folds (``CrossValidation``).
    ///
    /// - Parameter lambdas: The `λ`, each ≥ 0.
    /// - Returns: The candidates.
    public static func grid(_ lambdas: [Double]) -> GridCandidates { GridCandidates(lambdas: lambdas) }
}
