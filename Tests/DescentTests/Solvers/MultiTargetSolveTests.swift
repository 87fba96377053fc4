import Testing
@testable import Descent

/// Several targets solved with one factorisation: each target against the single-target solve of
/// that target in every method, scikit-learn's LinearRegression and Ridge on linnerud, rank
/// deficiency, the streaming paths, and typed errors.
@Suite("Multi-target exact solvers")
struct MultiTargetSolveTests {
    /// Each target of a multi-target solve against the single-target solve of that target: the same
    /// factorisation and refinement up to the right-hand sides' `gemm`/`ormqr`/`gelsd` rounding,
    /// relative to the target's largest coefficient.
    static let singleTargetAgreement = 1e-12
    /// Minimum-norm solutions (rank deficient, no refinement) agree to the SVD's own accuracy.
    static let minimumNormAgreement = 1e-10
    /// scikit-learn's coefficients on linnerud are good to 12.9 digits (against the rational
    /// solution in the JSON): agreement with a reference, not our rounding.
    static let sklearnDigits = 11.0
    /// Digits against the exact (rational) linnerud solution, measured 15 for the refined methods
    /// and 12.6 for the normal equations (whose refinement rule does not fire at this condition,
    /// while the intercept's `ȳ − μᵀw` cancels a digit or two), less a half-digit margin for other
    /// BLAS kernels.
    static let exactDigits: [LeastSquares.Method: Double] = [.qr: 14.5, .automatic: 14.5, .svd: 14.5, .normalEquations: 12]

    static let methods: [LeastSquares.Method] = [.normalEquations, .qr, .svd, .automatic]

    @Test("each target equals its single-target solve, every method, k = 1 and 3, with and without intercept and ridge",
          arguments: methods, Precision.allCases)
    func matchesSingleTarget(method: LeastSquares.Method, precision: Precision) throws {
        try compare(precision.scalar, method: method, rows: 200, columns: 6)
    }

    func compare<S: BLASScalar>(_: S.Type, method: LeastSquares.Method, rows: Int, columns: Int,
                                ks: [Int] = [1, 3], variants: [(Bool, Double)] = [(true, 0), (false, 0), (true, 0.1)]) throws {
        for k in ks {
            for (intercept, ridge) in variants {
                let problem = RandomMultiProblem<S>(rows: rows, columns: columns, targets: k, noise: 0.1, seed: 13)
                let multi = try LeastSquares.solve(problem.features, problem.targets, intercept: intercept,
                                                   method: method, ridge: ridge)
                let label = "\(S.self) \(method) k = \(k) intercept \(intercept) ridge \(ridge)"
                #expect(multi.model.weights.rows == columns && multi.model.weights.columns == k && multi.model.biases.count == k)
                #expect(multi.refinementSteps.count == k)
                for t in 0..<k {
                    let single = try LeastSquares.solve(problem.features, problem.targets.column(t), intercept: intercept,
                                                        method: method, ridge: ridge)
                    #expect(multi.method == single.method && multi.rank == single.rank, "\(label)")
                    #expect(Swift.abs(multi.conditionEstimate / single.conditionEstimate - 1) <= Self.singleTargetAgreement, "\(label)")
                    // Float results are the Double solution rounded: one Float ulp apart at most.
                    let difference = relativeDifference(multi.model.column(t), single.model)
                    #expect(difference <= Swift.max(Self.singleTargetAgreement, S.ulps(1)), "\(label) target \(t): \(difference)")
                    if !intercept { #expect(multi.model.biases[t] == 0) }
                }
            }
        }
    }

    /// 12 000 × 100 = 1.2·10⁶ elements: the streaming QR and SVD (blocks folded into R with the
    /// reflections applied to both targets), and the normal equations `.automatic` takes there.
    @Test("the streaming paths: each target equals its single-target solve", arguments: [LeastSquares.Method.qr, .svd, .automatic])
    func streaming(method: LeastSquares.Method) throws {
        try compare(Double.self, method: method, rows: 12_000, columns: 100, ks: [2], variants: [(true, 0)])
    }

    @Test("linnerud: scikit-learn's LinearRegression and Ridge to 11 digits, the exact solution to 12–15",
          arguments: methods)
    func linnerud(method: LeastSquares.Method) throws {
        let data = Linnerud.data
        let fit = try LeastSquares.solve(data.features, data.targets, method: method)
        #expect(fit.rank == 3 && fit.model.targetCount == 3)
        let sklearn = digitsAgainst(fit.model, coef: data.coef, intercept: data.intercept)
        let exact = digitsAgainst(fit.model, coef: data.exactCoef, intercept: data.exactIntercept)
        #expect(sklearn >= Self.sklearnDigits, "\(method): \(sklearn) digits against scikit-learn")
        #expect(exact >= Self.exactDigits[method]!, "\(method): \(exact) digits against the exact solution")
        let origin = try LeastSquares.solve(data.features, data.targets, intercept: false, method: method)
        let originDigits = digitsAgainst(origin.model, coef: data.coefNoIntercept, intercept: nil)
        #expect(originDigits >= Self.sklearnDigits, "\(method) without intercept: \(originDigits)")
        #expect(origin.model.biases == [0, 0, 0])
        let ridge = try LeastSquares.solve(data.features, data.targets, method: method, ridge: data.ridgeLambda)
        let ridgeDigits = digitsAgainst(ridge.model, coef: data.ridgeCoef, intercept: data.ridgeIntercept)
        #expect(ridgeDigits >= Self.sklearnDigits, "\(method) ridge: \(ridgeDigits)")
    }

    @Test("rank-deficient features: QR and the normal equations throw, the SVD gives every target's minimum-norm solution")
    func rankDeficient() throws {
        // Column 2 is 3 × column 0: rank 3 of 4.
        let base = RandomMultiProblem<Double>(rows: 60, columns: 4, targets: 3, noise: 0.2, seed: 21)
        let x = try Matrix<Double>(rows: 60, columns: 4) { i, j in j == 2 ? 3 * base.features[i, 0] : base.features[i, j] }
        for method in [LeastSquares.Method.qr, .normalEquations] {
            expectDescentErrorKind(method) { _ = try LeastSquares.solve(x, base.targets, method: method) }
        }
        for method in [LeastSquares.Method.svd, .automatic] {
            let multi = try LeastSquares.solve(x, base.targets, method: method)
            #expect(multi.rank == 3 && multi.method == .svd && multi.conditionEstimate == .infinity)
            for t in 0..<3 {
                let single = try LeastSquares.solve(x, base.targets.column(t), method: method)
                #expect(relativeDifference(multi.model.column(t), single.model) <= Self.minimumNormAgreement, "\(method) \(t)")
                // Minimum norm over w₀ + 3w₂ = const: w₂ = 3·w₀.
                #expect(Swift.abs(multi.model.weights[2, t] - 3 * multi.model.weights[0, t]) <= Self.minimumNormAgreement)
            }
        }
    }

    @Test("shapes, NaN and options are typed errors")
    func errors() throws {
        let problem = RandomMultiProblem<Double>(rows: 10, columns: 2, targets: 2)
        let x = problem.features
        expectDescentError(.targetCountMismatch(rows: 10, targets: 9)) {
            _ = try LeastSquares.solve(x, problem.targets.rows(0..<9))
        }
        expectDescentError(.invalidOption(name: "targets", value: "a 10 × 0 matrix", expected: "at least one target column")) {
            _ = try LeastSquares.solve(x, try Matrix<Double>(rows: 10, columns: 0, elements: []))
        }
        var nan = problem.targets
        nan[4, 1] = .nan
        for method in Self.methods {
            expectDescentError(.nonFiniteValue(at: .targetMatrix(row: 4, column: 1))) {
                _ = try LeastSquares.solve(x, nan, method: method)
            }
        }
        var infinite = x
        infinite[3, 0] = .infinity
        for method in Self.methods {
            expectDescentError(.nonFiniteValue(at: .features(row: 3, column: 0))) {
                _ = try LeastSquares.solve(infinite, problem.targets, method: method)
            }
        }
        expectDescentError(.invalidOption(name: "ridge", value: "-1.0", expected: "a finite λ ≥ 0")) {
            _ = try LeastSquares.solve(x, problem.targets, ridge: -1)
        }
        expectDescentError(.noRows) {
            _ = try LeastSquares.solve(try Matrix<Double>(rows: 0, columns: 2, elements: []),
                                       try Matrix<Double>(rows: 0, columns: 2, elements: []))
        }
    }

    /// `body` throws ``DescentError/unsolvable(method:reason:conditionEstimate:)``.
    func expectDescentErrorKind(_ method: LeastSquares.Method, _ body: () throws -> Void,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("\(method) solved a rank-deficient system", sourceLocation: sourceLocation)
        } catch let error as DescentError {
            guard case .unsolvable = error else { Issue.record("\(error)", sourceLocation: sourceLocation); return }
            #expect(error.description.contains("linear combination"), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("untyped \(error)", sourceLocation: sourceLocation)
        }
    }
}
