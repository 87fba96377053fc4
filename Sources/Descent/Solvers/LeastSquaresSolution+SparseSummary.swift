#if canImport(Glibc)
import Glibc
#endif

extension LeastSquaresSolution {
    /// The inference summary of this fit on sparse features: statsmodels' `OLS.summary()` numbers
    /// (the table of ``summary(features:targets:featureNames:covariance:useT:)-(Matrix<Scalar>,_,_,_,_)``)
    /// from the sparse Gram matrix, never a dense copy of the design.
    ///
    /// One pass over the non-zeros makes the centred Gram matrix `G` (as the sparse solve does);
    /// its scaled Cholesky factor `R` (`S·G·S = RᵀR`) stands for the QR factor of the dense summary,
    /// so standard errors are `σ̂²·sⱼ²·‖row j of R⁻¹‖²` and the intercept's goes through the
    /// centring. A second pass computes the residuals in extended precision (the residual tests,
    /// R², F, the likelihood) and, for a robust covariance, the meat `Σ ωᵢx̃ᵢx̃ᵢᵀ` over the pairs of
    /// each row's non-zeros (`x̃ᵢ = [1, xᵢ]`), with the leverages `hᵢ = x̃ᵢᵀ(X̃ᵀX̃)⁻¹x̃ᵢ` for HC2 and
    /// HC3 from the `p × p` inverse, `O(nnzᵢ²)` a row.
    ///
    /// Accuracy: centring `G` after the product costs the factor `c = max diag(XᵀX)/diag(G)`; the
    /// standard errors carry a relative error of about `κ·ε·c` (`κ` the scaled Gram matrix's
    /// condition estimate), and the summary refuses when that exceeds 10⁻⁶.
    ///
    /// - Parameters:
    ///   - features: The sparse features the solution was computed from.
    ///   - targets: The targets.
    ///   - featureNames: Names for the table (default: the model's, or `x1`, `x2`, …).
    ///   - covariance: ``LeastSquares/Covariance/nonrobust`` (default) or HC0–HC3. HAC and
    ///     clustered covariances need every row's dense coordinates and are refused.
    ///   - useT: As for the dense summary.
    /// - Returns: The summary.
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` naming `covariance` for HAC or
    ///   clusters, or `featureNames` for a miscount; ``DescentError/unsolvable(method:reason:conditionEstimate:)``
    ///   when the columns are too many for the Gram matrix (more than
    ///   ``LeastSquares/sparseGramColumnLimit``, or its memory), the design is rank deficient (naming
    ///   the columns), there are no residual degrees of freedom, or centring lost too many digits;
    ///   shape and width errors as the dense summary.
    /// - Complexity: `O(Σᵢ nnzᵢ² + d³)` time in two passes; `O(d²)` memory.
    public func summary(features: SparseMatrix<Scalar>, targets: [Scalar], featureNames: [String]? = nil,
                        covariance: LeastSquares.Covariance = .nonrobust, useT: Bool? = nil) throws(DescentError)
        -> RegressionSummary {
        guard features.rows == targets.count else { throw .targetCountMismatch(rows: features.rows, targets: targets.count) }
        return try sparseSummary(SparseSolverRows(features, targets), featureNames: featureNames, covariance: covariance, useT: useT)
    }

    /// The weighted summary (statsmodels' `WLS`) of a fit by
    /// ``LeastSquares/solve(_:_:weights:intercept:ridge:)->LeastSquaresSolution<Scalar>`` on sparse features, as
    /// ``summary(features:targets:weights:featureNames:covariance:useT:)-(Matrix<Scalar>,_,_,_,_,_)``
    /// reports it for dense ones, computed as the unweighted sparse summary is.
    ///
    /// - Parameters:
    ///   - features: The sparse features.
    ///   - targets: The targets.
    ///   - weights: The weights the solution was computed with.
    ///   - featureNames: Names for the table.
    ///   - covariance: Nonrobust or HC0–HC3 (on the `√w`-scaled rows, as statsmodels).
    ///   - useT: As for the dense summary.
    /// - Returns: The summary.
    /// - Throws: as ``summary(features:targets:featureNames:covariance:useT:)-(SparseMatrix<Scalar>,_,_,_,_)``,
    ///   and for unusable weights.
    /// - Complexity: as the unweighted sparse summary.
    public func summary(features: SparseMatrix<Scalar>, targets: [Scalar], weights: [Scalar], featureNames: [String]? = nil,
                        covariance: LeastSquares.Covariance = .nonrobust, useT: Bool? = nil) throws(DescentError)
        -> RegressionSummary {
        guard features.rows == targets.count else { throw .targetCountMismatch(rows: features.rows, targets: targets.count) }
        try Validation.checkWeights(weights, rows: features.rows)
        return try sparseSummary(SparseSolverRows(features, targets, weights: weights), featureNames: featureNames,
                                 covariance: covariance, useT: useT)
    }

    /// The summary of this fit on the rows of any ``SparseRowSource`` (a sparse file streamed chunk
    /// by chunk, rows of your own store), computed as the in-memory
    /// ``summary(features:targets:featureNames:covariance:useT:)-(SparseMatrix<Scalar>,_,_,_,_)``
    /// is (a weighted source as ``summary(features:targets:weights:featureNames:covariance:useT:)-(SparseMatrix<Scalar>,_,_,_,_,_)``),
    /// in three passes over the chunks (the checks, the sparse Gram matrix, the residuals and
    /// meat), never holding more than a chunk and `O(d²)` numbers: the same bits as in memory.
    ///
    /// ```swift
    /// let fit = try LeastSquares.solve(from: stream)
    /// let s = try fit.summary(from: stream, covariance: .hc1)
    /// ```
    ///
    /// - Parameters:
    ///   - source: The rows the solution was fitted to, one target each (a weighted source's
    ///     weights weigh them, statsmodels' `WLS`).
    ///   - featureNames: Names for the table (default: the model's, or `x1`, `x2`, …).
    ///   - covariance: ``LeastSquares/Covariance/nonrobust`` (default) or HC0–HC3.
    ///   - useT: As for the dense summary.
    /// - Returns: The summary.
    /// - Throws: as the in-memory sparse summary, with a non-finite target named by its row in the
    ///   source; and the source's own read errors.
    /// - Complexity: `O(Σᵢ nnzᵢ² + d³)` time in three passes; `O(d² + chunk)` memory.
    public func summary<Source: SparseRowSource>(from source: Source, featureNames: [String]? = nil,
                                                 covariance: LeastSquares.Covariance = .nonrobust,
                                                 useT: Bool? = nil) throws(DescentError) -> RegressionSummary
        where Source.Scalar == Scalar {
        try summary(from: source, featureNames: featureNames, covariance: covariance, useT: useT, collective: LocalCollective())
    }

    /// ``summary(from:featureNames:covariance:useT:)-760e3`` over rows split over
    /// the parts of `collective`: every sum in rank order, so every part gets the same bits.
    package func summary<Source: SparseRowSource>(from source: Source, featureNames: [String]? = nil,
                                                  covariance: LeastSquares.Covariance = .nonrobust, useT: Bool? = nil,
                                                  collective: some Collective) throws(DescentError) -> RegressionSummary
        where Source.Scalar == Scalar {
        try sparseSummary(SparseSolverRows(source, collective: collective), featureNames: featureNames, covariance: covariance,
                          useT: useT)
    }

    func sparseSummary(_ rows: SparseSolverRows<Scalar>, featureNames: [String]?, covariance: LeastSquares.Covariance,
                       useT: Bool?) throws(DescentError) -> RegressionSummary {
        switch covariance {
        case .nonrobust, .hc0, .hc1, .hc2, .hc3: break
        default:
            throw .invalidOption(name: "covariance", value: covariance.description,
                                 expected: "nonrobust or HC0–HC3 on sparse features (HAC and clustered covariances need "
                                     + "each row's dense coordinates: summarise features.dense() instead)")
        }
        let d = rows.columns, p = d + (hasIntercept ? 1 : 0)
        try rows.collective.agree(d == model.weights.count ? nil : .weightCountMismatch(weights: model.weights.count, features: d))
        let tooMany = DescentError.unsolvable(
            method: "summary", reason: "\(d) columns are too many for the d × d Gram matrix the summary needs (at most "
                + "\(LeastSquares.sparseGramColumnLimit) columns whose matrices fit in memory); fewer columns (fewer hash "
                + "bits, rare levels merged) make it possible", conditionEstimate: nil)
        guard d <= LeastSquares.sparseGramColumnLimit else { throw tooMany }
        let n = try rows.checkedRows()
        guard n > p else {
            throw .unsolvable(method: "summary", reason: "\(n) rows leave no residual degrees of freedom for \(p) parameters",
                              conditionEstimate: nil)
        }
        guard try LeastSquares.usesSparseGram(rows: n, columns: d, targets: 1, intercept: hasIntercept, ridge: 0,
                                              collective: rows.collective) else { throw tooMany }
        try LeastSquares.reserveWorkspace(.normalEquations, rows: n, columns: d, targets: 1, inMemory: false,
                                          collective: rows.collective)
        var gram = try SparseGram.gather(rows, rows: n, intercept: hasIntercept)
        let factor: GramFactor
        switch GramFactor.factor(&gram.pass.gram, rows: n, columns: d, intercept: hasIntercept, ridge: 0) {
        case let .factored(factored): factor = factored
        case let .failed(reason, condition):
            throw .unsolvable(method: "summary", reason: "standard errors are undefined: " + reason, conditionEstimate: condition)
        }
        let accuracy = LeastSquares.epsilon * gram.pass.cancellation / factor.reciprocalCondition
        guard accuracy <= 1e-6 else {
            throw .unsolvable(method: "summary", reason: "centring the sparse Gram matrix after the product lost "
                                  + "\(Int(log10(gram.pass.cancellation))) digits, too many for standard errors (a column's "
                                  + "mean is large next to its spread: subtract it before making the features sparse)",
                              conditionEstimate: (1 / factor.reciprocalCondition).squareRoot())
        }
        // R: the upper triangle of the column-major factor (its lower triangle holds the scaled Gram matrix).
        var r = factor.factor
        for j in 0..<d { for i in (j + 1)..<Swift.max(j + 1, d) { r[i + j * d] = 0 } }
        let summaryFactor = try SummaryFactor(r: r, scales: factor.scales, means: gram.means, intercept: hasIntercept,
                                              rows: n, epsilon: Double(Scalar.ulpOfOne))
        let basis = InferenceBasis(summaryFactor, totalWeight: gram.totalWeight)
        let (pass, halfLogWeights) = try sparseInferencePass(rows, rows: n, basis: basis, targetMean: gram.targetMeans[0],
                                                             covariance: covariance)
        let rss = Double(pass.powers[1]), variance = rss / Double(n - p)
        let names = featureNames ?? model.featureNames ?? (0..<d).map { "x\($0 + 1)" }
        guard names.count == d else {
            throw .invalidOption(name: "featureNames", value: "\(names.count) names", expected: "one per feature (\(d))")
        }
        var inputs = RegressionSummary.Inputs(
            names: (hasIntercept ? ["const"] : []) + names,
            coefficients: (hasIntercept ? [Double(model.bias)] : []) + model.weights.map { Double($0) },
            standardErrors: summaryFactor.standardErrors(variance: variance, totalWeight: gram.totalWeight), observations: n,
            hasIntercept: hasIntercept, isWeighted: rows.isWeighted, residualSumOfSquares: rss,
            totalSumOfSquares: Double(pass.totalSquares), halfLogWeights: halfLogWeights,
            conditionNumber: try basis.conditionNumber(), scaledConditionNumber: conditionEstimate)
        inputs.robust(pass, basis: basis, covariance: covariance, variance: variance, useT: useT)
        return RegressionSummary(inputs)
    }

    /// ``InferencePass``'s results from sparse rows (`n` over every part), summed over the parts: the
    /// `√w`-scaled residuals `eᵢ` of this fit's model in extended precision, their powers, the total
    /// sum of squares about `targetMean`, Durbin–Watson's numerator, and for HC0–HC3 the meat in the
    /// basis's orthonormal coordinates, `Lᵀ(Σ ωᵢx̃ᵢx̃ᵢᵀ)L` with `x̃ᵢ = √wᵢ[1, xᵢ]` accumulated over the
    /// pairs of each row's non-zeros; and `Σ log(wᵢ)/2` over the positive weights (the likelihood's).
    func sparseInferencePass(_ rows: SparseSolverRows<Scalar>, rows count: Int, basis: InferenceBasis, targetMean: Double,
                             covariance: LeastSquares.Covariance) throws(DescentError)
        -> (result: InferencePass.Result, halfLogWeights: Double) {
        typealias E = Double.Accumulator
        let p = basis.parameters, o = hasIntercept ? 1 : 0, n = Double(count)
        let robust = covariance != .nonrobust
        let l = basis.inverseFactor
        // (X̃ᵀX̃)⁻¹ = L·Lᵀ in raw coordinates, for the leverages.
        var inverse = [Double]()
        if covariance.needsLeverage {
            inverse = [Double](repeating: 0, count: p * p)
            l.withUnsafeBufferPointer { a in BLAS.gemm(a.baseAddress!, a.baseAddress!, transposeB: true, m: p, n: p, k: p, beta: 0, &inverse) }
        }
        var result = InferencePass.Result()
        var raw = [Double](repeating: 0, count: robust ? p * p : 0)
        var previous: Double?, first: Double?
        var halfLogWeights = 0.0
        let slopes = model.weights.map { E($0) }, bias = E(model.bias)
        var places = [Int](), scaled = [Double]()
        try rows.forEachRow { (_, w, columns, values, y, offset) throws(DescentError) in
            let root = w.squareRoot()
            if w > 0 && rows.isWeighted { halfLogWeights += log(w) / 2 }
            var prediction = bias
            for (j, value) in zip(columns, values) { prediction += slopes[j] * E(value) }
            let e = root * Double(E(y[offset]) - prediction)
            let r = E(e)
            result.powers[0] += r
            result.powers[1] += r * r
            result.powers[2] += r * r * r
            result.powers[3] += r * r * r * r
            let spread = E(root) * (E(y[offset]) - E(targetMean))
            result.totalSquares += spread * spread
            if let previous { result.differenceSquares += (e - previous) * (e - previous) }
            if first == nil { first = e }
            previous = e
            guard robust else { return }
            // x̃ᵢ's non-zeros: its places in 0..<p and √wᵢ-scaled values.
            places.removeAll(keepingCapacity: true)
            scaled.removeAll(keepingCapacity: true)
            if o == 1 { places.append(0); scaled.append(root) }
            for (j, value) in zip(columns, values) { places.append(j + o); scaled.append(root * Double(value)) }
            var omega = e * e
            if covariance.needsLeverage {
                var h = 0.0
                for a in places.indices {
                    var row = 0.0
                    for b in places.indices { row += inverse[places[a] * p + places[b]] * scaled[b] }
                    h += scaled[a] * row
                }
                omega = covariance == .hc2 ? omega / (1 - h) : omega / ((1 - h) * (1 - h))
            }
            for a in places.indices {
                let base = places[a] * p, value = omega * scaled[a]
                for b in a..<places.count { raw[base + places[b]] += value * scaled[b] }
            }
        }
        try rows.collective.sum(&result.powers)
        var totals = [result.totalSquares]
        try rows.collective.sum(&totals)
        result.totalSquares = totals[0]
        result.differenceSquares = try InferencePass.differenceSquares(result.differenceSquares, first: first, last: previous,
                                                                       rows.collective)
        var logs = [halfLogWeights]
        try rows.sum(&logs)
        guard robust else { return (result, logs[0]) }
        try rows.sum(&raw)
        for a in 0..<p { for b in 0..<a { raw[a * p + b] = raw[b * p + a] } }
        // M = Lᵀ·raw·L.
        var product = [Double](repeating: 0, count: p * p), meat = [Double](repeating: 0, count: p * p)
        l.withUnsafeBufferPointer { a in
            raw.withUnsafeBufferPointer { m in
                BLAS.gemm(a.baseAddress!, transposeA: true, m.baseAddress!, m: p, n: p, k: p, beta: 0, &product)
            }
            product.withUnsafeBufferPointer { b in BLAS.gemm(b.baseAddress!, a.baseAddress!, m: p, n: p, k: p, beta: 0, &meat) }
        }
        if covariance == .hc1 { meat = meat.map { $0 * n / (n - Double(p)) } }
        result.meat = meat
        return (result, logs[0])
    }
}
