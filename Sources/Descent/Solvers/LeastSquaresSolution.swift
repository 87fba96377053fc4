/// The result of ``LeastSquares/solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``.
public struct LeastSquaresSolution<Scalar: BLASScalar>: Sendable {
    /// The least-squares model. Without an intercept its bias is zero.
    public internal(set) var model: LinearModel<Scalar>
    /// The method that produced the model (for `.automatic`, the one it chose).
    public let method: LeastSquares.Method
    /// The numerical rank of the (centred) features: `d` when they are linearly independent.
    public let rank: Int
    /// An estimate of the 1-norm condition number of the centred, column-scaled features
    /// (from `pocon`, `trcon` or the singular values); `.infinity` when rank deficient.
    public let conditionEstimate: Double
    /// The singular values of the centred, column-scaled features, largest first (`.svd` only).
    public let singularValues: [Double]?
    /// Iterative-refinement steps taken (QR and normal equations).
    public let refinementSteps: Int
    /// Whether the fit has an intercept.
    public let hasIntercept: Bool
    /// LSMR's outputs when a sparse solve took its LSMR path
    /// (``LeastSquares/solve(_:_:intercept:ridge:)->LeastSquaresSolution<Scalar>``), `nil` otherwise.
    public internal(set) var iterative: LSMRSolution<Scalar>?

    init(model: LinearModel<Scalar>, method: LeastSquares.Method, rank: Int, conditionEstimate: Double,
         singularValues: [Double]?, refinementSteps: Int, intercept: Bool) {
        hasIntercept = intercept
        self.model = model
        self.method = method
        self.rank = rank
        self.conditionEstimate = conditionEstimate
        self.singularValues = singularValues
        self.refinementSteps = refinementSteps
    }

    init(_ raw: RawSolution, intercept: Bool) {
        hasIntercept = intercept
        model = LinearModel(weights: raw.weights.map { Scalar($0) }, bias: intercept ? Scalar(raw.bias) : 0)
        method = raw.method
        rank = raw.rank
        conditionEstimate = raw.condition
        singularValues = raw.singularValues
        refinementSteps = raw.refinementSteps
    }
}

/// What a solver returns for one target before conversion to the caller's precision. The targets
/// of one solve share their method, rank, condition and singular values (one factorisation).
struct RawSolution {
    var weights: [Double]
    var bias: Double
    var method: LeastSquares.Method
    var rank: Int
    var condition: Double
    var singularValues: [Double]? = nil
    var refinementSteps: Int = 0
}

/// What a solver returns: one ``RawSolution`` per target, or the failure they share.
enum SolverOutcome {
    case solved([RawSolution])
    case failed(reason: String, condition: Double?)

    /// The solutions, unless over- or underflow made any of them non-finite: nothing leaves a
    /// solver as NaN or ±∞.
    static func finite(_ solutions: [RawSolution]) -> SolverOutcome {
        for solution in solutions where !(solution.weights.allSatisfy(\.isFinite) && solution.bias.isFinite) {
            return .failed(reason: "the solution over- or underflows Double's range (rescale the features)",
                           condition: solution.condition)
        }
        return .solved(solutions)
    }
}
