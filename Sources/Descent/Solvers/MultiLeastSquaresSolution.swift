/// The result of ``LeastSquares/solve(_:_:intercept:method:ridge:)->MultiLeastSquaresSolution<Scalar>``
/// and ``LeastSquares/solveMultiTarget(from:intercept:method:ridge:)`` for several targets: one
/// model with a column per target, and what the shared factorisation reported.
public struct MultiLeastSquaresSolution<Scalar: BLASScalar>: Sendable {
    /// The least-squares model: column `t` of its weights and bias `t` solve target `t`. Without an
    /// intercept its biases are zero.
    public internal(set) var model: MultiLinearModel<Scalar>
    /// The method that produced the model (for `.automatic`, the one it chose); the same for
    /// every target, which share its factorisation.
    public let method: LeastSquares.Method
    /// The numerical rank of the (centred) features: `d` when they are linearly independent.
    public let rank: Int
    /// An estimate of the 1-norm condition number of the centred, column-scaled features (from
    /// `pocon`, `trcon` or the singular values); `.infinity` when rank deficient.
    public let conditionEstimate: Double
    /// The singular values of the centred, column-scaled features, largest first (`.svd` only).
    public let singularValues: [Double]?
    /// Iterative-refinement steps taken for each target (QR and normal equations).
    public let refinementSteps: [Int]
    /// Whether the fit has an intercept (a bias per target).
    public let hasIntercept: Bool
    /// LSMR's outputs, one per target, when a sparse solve took its LSMR path
    /// (``LeastSquares/solve(_:_:intercept:ridge:)->MultiLeastSquaresSolution<Scalar>``), `nil` otherwise.
    public internal(set) var iterative: [LSMRSolution<Scalar>]?

    init(model: MultiLinearModel<Scalar>, method: LeastSquares.Method, rank: Int, conditionEstimate: Double,
         singularValues: [Double]?, refinementSteps: [Int], intercept: Bool) {
        self.model = model
        self.method = method
        self.rank = rank
        self.conditionEstimate = conditionEstimate
        self.singularValues = singularValues
        self.refinementSteps = refinementSteps
        hasIntercept = intercept
    }

    /// The solution of one target per element of `solutions` (all from one factorisation).
    init(_ solutions: [RawSolution], columns d: Int, intercept: Bool) {
        hasIntercept = intercept
        let k = solutions.count
        let elements = (0..<d).flatMap { j in solutions.map { Scalar($0.weights[j]) } }
        model = MultiLinearModel(weights: Matrix(rows: d, columns: k, validElements: elements),
                                 biases: solutions.map { intercept ? Scalar($0.bias) : 0 }, unchecked: ())
        method = solutions[0].method
        rank = solutions[0].rank
        conditionEstimate = solutions[0].condition
        singularValues = solutions[0].singularValues
        refinementSteps = solutions.map(\.refinementSteps)
    }

    /// Target `target`'s solution as the single-target solve reports it: its column of the model,
    /// and what the shared factorisation reported.
    func solution(for target: Int) -> LeastSquaresSolution<Scalar> {
        var solution = LeastSquaresSolution(model: model.column(target), method: method, rank: rank,
                                            conditionEstimate: conditionEstimate, singularValues: singularValues,
                                            refinementSteps: refinementSteps[target], intercept: hasIntercept)
        solution.iterative = iterative?[target]
        return solution
    }
}
