extension LeastSquares {
    /// Solves the least-squares problem of a ``Dataset``, as ``solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``
    /// does; the model carries the data set's feature names.
    ///
    /// - Parameters:
    ///   - dataset: The features, targets and names.
    ///   - intercept: Fit a bias `b` (default).
    ///   - method: See ``Method``. `.automatic` by default.
    ///   - ridge: `λ ≥ 0`, as for a matrix.
    /// - Returns: The model, the method that ran, the rank and a condition estimate.
    /// - Throws: as ``solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``.
    public static func solve<Scalar: BLASScalar>(from dataset: Dataset<Scalar>, intercept: Bool = true,
                                                 method: Method = .automatic,
                                                 ridge: Double = 0) throws(DescentError) -> LeastSquaresSolution<Scalar> {
        var solution = try solve(dataset.features, dataset.targets, intercept: intercept, method: method, ridge: ridge)
        solution.model.featureNames = dataset.featureNames
        return solution
    }
}
