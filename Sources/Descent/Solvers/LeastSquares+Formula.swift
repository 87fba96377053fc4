/// An exact least-squares fit of a formula: the solution, and the design it was fitted on, so
/// that its summary names the coefficients as patsy and statsmodels do.
public struct FormulaFit<Scalar: BLASScalar>: Sendable {
    /// The solution (model, method, rank, condition estimate).
    public let solution: LeastSquaresSolution<Scalar>
    /// The design matrices it was fitted on.
    public let data: DesignMatrix<Scalar>
    /// The weights it was fitted with, if any.
    public let weights: [Scalar]?

    /// The fitted model, carrying its ``Design``: save it, and it predicts raw rows
    /// (``LinearModel/predict(table:unseenLevels:)``).
    public var model: LinearModel<Scalar> { solution.model }

    /// The inference summary, as statsmodels' `smf.ols(formula, df).fit().summary()`: the
    /// intercept named `Intercept`, the other terms by patsy's names.
    ///
    /// - Parameters:
    ///   - covariance: The estimates' covariance (HC0–HC3, HAC, clusters), as for a matrix fit;
    ///     ``LeastSquares/Covariance/nonrobust`` by default.
    ///   - useT: Student's t or the normal distribution; `nil` is statsmodels' choice.
    /// - Returns: The summary (see ``RegressionSummary``).
    /// - Throws: as ``LeastSquaresSolution/summary(features:targets:featureNames:covariance:useT:)-(Matrix<Scalar>,_,_,_,_)``.
    /// - Complexity: O(n·d²).
    public func summary(covariance: LeastSquares.Covariance = .nonrobust, useT: Bool? = nil) throws(DescentError)
        -> RegressionSummary {
        var summary = try solution.summarize(features: data.features, targets: data.targets, weights: weights,
                                             featureNames: data.featureNames, covariance: covariance, useT: useT,
                                             constantImplied: !solution.hasIntercept && data.design.impliesConstant)
        if solution.hasIntercept { summary.names[0] = "Intercept" }
        return summary
    }
}

/// The exact solve of several targets' formula (`y1 + y2 ~ …`): the solution and the design.
public struct MultiFormulaFit<Scalar: BLASScalar>: Sendable {
    /// The solution (`d × k` weights, `k` biases).
    public let solution: MultiLeastSquaresSolution<Scalar>
    /// The design matrices it was fitted on.
    public let data: DesignMatrix<Scalar>

    /// One summary per target, in the order of ``DesignMatrix/targetNames``, named as patsy names
    /// the columns.
    ///
    /// - Returns: The summaries.
    /// - Throws: as ``MultiLeastSquaresSolution/summaries(features:targets:featureNames:covariance:useT:)``.
    public func summaries() throws(DescentError) -> [RegressionSummary] {
        try solution.summaries(features: data.features, targets: data.targetMatrix, featureNames: data.featureNames)
            .map { summary in
                var summary = summary
                if data.design.hasIntercept { summary.names[0] = "Intercept" }
                return summary
            }
    }
}

extension LeastSquares {
    /// Solves the least-squares problem a formula describes on a table: builds the design
    /// (``Formula/design(_:as:)``), then calls
    /// ``solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>`` (or the weighted solve)
    /// with the intercept the formula asks for.
    ///
    /// ```swift
    /// let fit = try LeastSquares.solve(formula: "price ~ carat + C(cut) + color", data: table)
    /// print(try fit.summary())        // Intercept, C(cut)[T.Good], …, color[T.E], …, carat
    /// try fit.model.save(to: "price.json")   // with its design: predicts raw CSV rows
    /// ```
    ///
    /// - Parameters:
    ///   - formula: The formula, one target on the left (see ``Formula``).
    ///   - data: The table.
    ///   - weights: The name of a column of observation weights, if any (its missing cells follow
    ///     the table's policy, as the formula's do).
    ///   - method: See ``Method``.
    ///   - ridge: `λ ≥ 0`, as for the matrix solve.
    ///   - as: The precision (default `Double`).
    /// - Returns: The fit, whose model carries the design.
    /// - Throws: as ``Formula/design(_:as:)`` and the matrix solve; a rank-deficient design names
    ///   its columns by patsy's names; ``DescentError/invalidOption(name:value:expected:)`` for a
    ///   formula of several targets (use ``solveTargets(formula:data:method:ridge:as:)``).
    /// - Complexity: that of the design, then of the solve.
    public static func solve<Scalar: BLASScalar>(formula: String, data: Table, weights: String? = nil,
                                                 method: Method = .automatic, ridge: Double = 0,
                                                 as: Scalar.Type = Double.self) throws(DescentError) -> FormulaFit<Scalar> {
        let parsed = try Formula(formula)
        let design: DesignMatrix<Scalar> = try parsed.design(data, requiring: weights.map { [$0] } ?? [])
        guard design.targetNames.count == 1 else {
            throw .invalidOption(name: "formula", value: formula.debugDescription,
                                 expected: "one target on the left of '~' (for several, call LeastSquares.solveTargets)")
        }
        let w = try weights.map { (name) throws(DescentError) in try data.numbers(name, rows: design.rows, as: Scalar.self) }
        var solution = try naming(design.featureNames) { () throws(DescentError) in
            if let w {
                return try solve(design.features, design.targets, weights: w, intercept: design.design.hasIntercept,
                                 method: method, ridge: ridge)
            }
            return try solve(design.features, design.targets, intercept: design.design.hasIntercept, method: method,
                             ridge: ridge)
        }
        solution.model.featureNames = design.featureNames
        solution.model.design = design.design
        return FormulaFit(solution: solution, data: design, weights: w)
    }

    /// Solves a formula with several targets on the left (`y1 + y2 ~ …`) by the several-targets
    /// solve (``solve(_:_:intercept:method:ridge:)->MultiLeastSquaresSolution<Scalar>``).
    ///
    /// - Parameters:
    ///   - formula: The formula, targets on the left.
    ///   - data: The table.
    ///   - method: See ``Method``.
    ///   - ridge: `λ ≥ 0`.
    ///   - as: The precision (default `Double`).
    /// - Returns: The fit: the solution and the design.
    /// - Throws: as ``solve(formula:data:weights:method:ridge:as:)``.
    public static func solveTargets<Scalar: BLASScalar>(formula: String, data: Table, method: Method = .automatic,
                                                        ridge: Double = 0, as: Scalar.Type = Double.self)
        throws(DescentError) -> MultiFormulaFit<Scalar> {
        let design = try Formula(formula).design(data, as: Scalar.self)
        var solution = try naming(design.featureNames) { () throws(DescentError) in
            try solve(design.features, design.targetMatrix, intercept: design.design.hasIntercept, method: method,
                      ridge: ridge)
        }
        solution.model.featureNames = design.featureNames
        solution.model.targetNames = design.targetNames
        solution.model.design = design.design
        return MultiFormulaFit(solution: solution, data: design)
    }

    /// Runs `body` with rank deficiencies reported by the column names `names`.
    static func naming<T>(_ names: [String], _ body: () throws(DescentError) -> T) throws(DescentError) -> T {
        var result: Result<T, DescentError>!
        RankDeficiency.$columnNames.withValue(names) {
            result = Result { () throws(DescentError) in try body() }
        }
        return try result.get()
    }
}

extension Table {
    /// The numeric column `name` at `rows`, as `Scalar`.
    ///
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` for a column that is not
    ///   numeric, ``DescentError/missingValue(source:row:line:column:)`` for a missing cell.
    func numbers<Scalar: BLASScalar>(_ name: String, rows: [Int], as: Scalar.Type) throws(DescentError) -> [Scalar] {
        guard case let .numeric(values, _) = try column(named: name) else {
            throw .invalidOption(name: "weights", value: "the column '\(name)'", expected: "a numeric column")
        }
        var out = [Scalar]()
        out.reserveCapacity(rows.count)
        for i in rows {
            let value = values[i]
            guard !value.isNaN else {
                throw .missingValue(source: source, row: i, line: rowLines?[i], column: name)
            }
            out.append(Scalar(value))
        }
        return out
    }
}
