extension MultiLinearModel {
    /// Predictions for the raw rows of a table, one column per target, as
    /// ``LinearModel/predict(table:unseenLevels:)`` makes them for one target.
    ///
    /// - Parameters:
    ///   - table: The rows to predict.
    ///   - unseenLevels: What a level unseen in training does.
    /// - Returns: `rows × targets` predictions.
    /// - Throws: as ``LinearModel/predict(table:unseenLevels:)``.
    public func predict(table: Table, unseenLevels: UnseenLevels = .error) throws(DescentError) -> Matrix<Scalar> {
        guard let design else {
            throw .invalidOption(name: "MultiLinearModel.design", value: "nil",
                                 expected: "a design: fit the model on a formula to predict raw tables, "
                                     + "or call predict(_:) on a feature matrix")
        }
        return try predict(design.features(table, as: Scalar.self, unseenLevels: unseenLevels).features)
    }
}

extension LinearModel {
    /// Predictions for the raw rows of a table: the model's ``design`` rebuilds the feature
    /// columns (levels, codings and transforms' statistics as learnt in training), then
    /// ``predict(_:)-(Matrix<Scalar>)`` runs on them.
    ///
    /// The table needs the columns the formula's terms use (not the target); other columns are
    /// ignored. A row missing a used cell is an error, or is left out with
    /// ``Table/MissingPolicy/dropRow`` (``predictions(table:unseenLevels:)`` says which rows remain).
    ///
    /// - Parameters:
    ///   - table: The rows to predict.
    ///   - unseenLevels: What a level unseen in training does: an error (default), or
    ///     ``UnseenLevels/reference`` to code it as the reference level.
    /// - Returns: One prediction per row of the design.
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` for a model without a design
    ///   (fitted on a matrix: use ``predict(_:)-(Matrix<Scalar>)``), ``DescentError/unseenLevel(factor:level:known:row:)``,
    ///   ``DescentError/missingValue(source:row:line:column:)``, and what ``predict(_:)-(Matrix<Scalar>)`` throws.
    /// - Complexity: O(rows × columns).
    public func predict(table: Table, unseenLevels: UnseenLevels = .error) throws(DescentError) -> [Scalar] {
        try predictions(table: table, unseenLevels: unseenLevels).values
    }

    /// Predictions for the raw rows of a table, with the table's rows they belong to (zero-based;
    /// every row unless ``Table/MissingPolicy/dropRow`` left some out).
    ///
    /// - Parameters:
    ///   - table: The rows to predict.
    ///   - unseenLevels: What a level unseen in training does.
    /// - Returns: The predictions and their rows.
    /// - Throws: as ``predict(table:unseenLevels:)``.
    public func predictions(table: Table, unseenLevels: UnseenLevels = .error) throws(DescentError)
        -> (values: [Scalar], rows: [Int]) {
        guard let design else {
            throw .invalidOption(name: "LinearModel.design", value: "nil",
                                 expected: "a design: fit the model on a formula to predict raw tables, "
                                     + "or call predict(_:) on a feature matrix")
        }
        let matrices = try design.features(table, as: Scalar.self, unseenLevels: unseenLevels)
        return (try predict(matrices.features), matrices.rows)
    }
}
