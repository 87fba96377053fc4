extension GradientDescent {
    /// Trains `model` on a formula over a table: builds the design (``Formula/design(_:as:)``), or
    /// rebuilds the model's own ``LinearModel/design`` when it was fitted on the same formula
    /// before (training continues on the same columns), then calls
    /// ``fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)`` (or the weighted fit). Every setting
    /// of the trainer applies as it does to a matrix: batch mode, loss, penalty, schedule, early
    /// stopping.
    ///
    /// ```swift
    /// var model = LinearModel<Double>()
    /// try GradientDescent<Double>().fit(&model, formula: "y ~ x + C(g)", data: table)
    /// let yHat = try model.predict(table: newTable)
    /// ```
    ///
    /// - Parameters:
    ///   - model: The model to train; it receives the design and patsy's feature names.
    ///   - formula: The formula, one target on the left, with an intercept (the model's bias).
    ///   - data: The table.
    ///   - weights: The name of a column of sample weights, if any.
    ///   - onEpoch: Called after every epoch.
    /// - Returns: The per-epoch losses and times, and why training stopped.
    /// - Throws: as ``Formula/design(_:as:)`` and the matrix fit;
    ///   ``DescentError/invalidOption(name:value:expected:)`` for a formula without an intercept
    ///   (gradient descent always fits the bias; use `LeastSquares.solve(formula:data:)`) or with
    ///   several targets (fit a ``MultiLinearModel``).
    @discardableResult
    public func fit(_ model: inout LinearModel<Scalar>, formula: String, data: Table, weights: String? = nil,
                    onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError) -> FitHistory<Scalar> {
        let design = try formulaDesign(formula, data: data, weights: weights, known: model.design, targets: 1)
        let w = try weights.map { (name) throws(DescentError) in try data.numbers(name, rows: design.rows, as: Scalar.self) }
        let history = try LeastSquares.naming(design.featureNames) { () throws(DescentError) in
            if let w { return try fit(&model, features: design.features, targets: design.targets, weights: w, onEpoch: onEpoch) }
            return try fit(&model, features: design.features, targets: design.targets, onEpoch: onEpoch)
        }
        model.featureNames = design.featureNames
        model.design = design.design
        return history
    }

    /// Trains a model of several targets on a formula `y1 + y2 ~ …`, as
    /// ``fit(_:formula:data:weights:onEpoch:)`` trains one.
    ///
    /// - Parameters:
    ///   - model: The model to train; it receives the feature and target names.
    ///   - formula: The formula, targets on the left.
    ///   - data: The table.
    ///   - onEpoch: Called after every epoch.
    /// - Returns: The history.
    /// - Throws: as ``fit(_:formula:data:weights:onEpoch:)``.
    @discardableResult
    public func fit(_ model: inout MultiLinearModel<Scalar>, formula: String, data: Table,
                    onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError) -> FitHistory<Scalar> {
        let design = try formulaDesign(formula, data: data, weights: nil, known: nil, targets: nil)
        let history = try fit(&model, features: design.features, targets: design.targetMatrix, onEpoch: onEpoch)
        model.featureNames = design.featureNames
        model.targetNames = design.targetNames
        model.design = design.design
        return history
    }

    /// The design of `formula` on `data`: the known design rebuilt when it is the same formula,
    /// else learnt; refused without an intercept, or with another number of targets than `targets`.
    func formulaDesign(_ formula: String, data: Table, weights: String?, known: Design?,
                       targets: Int?) throws(DescentError) -> DesignMatrix<Scalar> {
        let requiring = weights.map { [$0] } ?? []
        let design: DesignMatrix<Scalar>
        if let known, known.formula == formula {
            design = try known.matrices(data, as: Scalar.self, withTargets: true, unseenLevels: .error, requiring: requiring)
        } else {
            design = try Formula(formula).design(data, requiring: requiring)
        }
        guard design.design.hasIntercept else {
            throw .invalidOption(name: "formula", value: formula.debugDescription,
                                 expected: "an intercept: gradient descent always fits the bias (drop '- 1' / '+ 0', "
                                     + "or solve exactly with LeastSquares.solve(formula:data:))")
        }
        if let targets, design.targetNames.count != targets {
            throw .invalidOption(name: "formula", value: formula.debugDescription,
                                 expected: "one target on the left of '~' (for several, fit a MultiLinearModel)")
        }
        return design
    }
}
