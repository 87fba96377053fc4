/// Exact robust linear regression: M-estimation by iteratively reweighted least squares (IRLS),
/// as statsmodels' `RLM` and R's `MASS::rlm` compute it, on the rows of a ``Matrix``, any
/// ``RowSource`` or MPI ranks (`DescentMPI`), with statsmodels' sandwich covariances H1–H3.
///
/// ```swift
/// let m = try RobustRegression.fit(X, y, norm: .huber(t: 1.345))   // scale: .mad by default
/// m.model; m.scale; m.weights; m.iterations; m.converged
/// let s = try m.summary(covariance: .h1)                            // .h2, .h3
/// s.standardErrors; s.zStatistics; s.pValues; print(s)
/// ```
///
/// The estimate minimises `Σ vᵢ ρ(rᵢ/s)` over the coefficients, `rᵢ = yᵢ − xᵢᵀw − b` (statsmodels'
/// residual sign), with `vᵢ` the optional sample weights (1 without), `ρ` the ``Norm`` and `s` the
/// ``Scale``: fixed, or the normalised median absolute residual re-estimated after every
/// iteration, whose fixed point `(w, b, s)` is statsmodels' answer (see
/// ``fit(_:_:norm:scale:weights:intercept:tolerance:maxIterations:)``).
public enum RobustRegression {
    /// The ρ function of an M-estimator, as `statsmodels.robust.norms` defines it (`z = r/s`).
    public enum Norm: Sendable, Hashable, CustomStringConvertible {
        /// Huber's T: `ρ(z) = z²/2` for `|z| ≤ t`, `t|z| − t²/2` beyond; weight `min(1, t/|z|)`.
        /// statsmodels' `HuberT(t=1.345)` and `MASS::rlm`'s `psi.huber` default `t = 1.345` (95 %
        /// efficiency under normal errors). Convex: the estimate for a given scale is unique.
        case huber(t: Double)
        /// Tukey's biweight: `ρ(z) = c²/6·(1 − (1 − (z/c)²)³)` for `|z| ≤ c`, `c²/6` beyond; weight
        /// `(1 − (z/c)²)²` inside, 0 outside. statsmodels' `TukeyBiweight(c=4.685)`. Not convex:
        /// the answer is the fixed point reached from the least-squares start, as statsmodels'.
        case tukeyBiweight(c: Double)

        /// statsmodels' class name: `HuberT` or `TukeyBiweight`.
        public var description: String {
            switch self {
            case .huber: "HuberT"
            case .tukeyBiweight: "TukeyBiweight"
            }
        }

        /// The tuning constant `t` or `c`.
        var constant: Double {
            switch self {
            case let .huber(t): t
            case let .tukeyBiweight(c): c
            }
        }

        /// Throws unless the tuning constant is finite and positive.
        func validate() throws(DescentError) {
            guard constant.isFinite, constant > 0 else {
                switch self {
                case .huber: throw .invalidOption(name: "norm", value: "huber(t: \(constant))", expected: "a finite t > 0")
                case .tukeyBiweight:
                    throw .invalidOption(name: "norm", value: "tukeyBiweight(c: \(constant))", expected: "a finite c > 0")
                }
            }
        }

        /// `ρ(z)`.
        func rho(_ z: Double) -> Double {
            let a = Swift.abs(z)
            switch self {
            case let .huber(t): return a <= t ? z * z / 2 : t * a - t * t / 2
            case let .tukeyBiweight(c):
                guard a <= c else { return c * c / 6 }
                let u = 1 - (z / c) * (z / c)
                return c * c / 6 * (1 - u * u * u)
            }
        }

        /// `ψ(z) = ρ′(z)`.
        func psi(_ z: Double) -> Double {
            switch self {
            case let .huber(t): return Swift.max(-t, Swift.min(t, z))
            case let .tukeyBiweight(c):
                guard Swift.abs(z) <= c else { return 0 }
                let u = 1 - (z / c) * (z / c)
                return z * u * u
            }
        }

        /// `ψ′(z)`, as statsmodels' `psi_deriv` (1 or 0 for Huber, the kinks counted inside).
        func psiDerivative(_ z: Double) -> Double {
            switch self {
            case let .huber(t): return Swift.abs(z) <= t ? 1 : 0
            case let .tukeyBiweight(c):
                guard Swift.abs(z) <= c else { return 0 }
                let q = (z / c) * (z / c)
                return (1 - q) * (1 - q) - 4 * q * (1 - q)
            }
        }

        /// The IRLS weight `ψ(z)/z` (its limit 1 at `z = 0`).
        func weight(_ z: Double) -> Double {
            let a = Swift.abs(z)
            switch self {
            case let .huber(t): return a <= t ? 1 : t / a
            case let .tukeyBiweight(c):
                guard a <= c else { return 0 }
                let u = 1 - (z / c) * (z / c)
                return u * u
            }
        }
    }

    /// How the scale `s` of the residuals is set.
    public enum Scale: Sendable, Hashable, CustomStringConvertible {
        /// statsmodels' default `scale_est='mad'` with `update_scale=True`: the median absolute
        /// residual about 0 divided by `Φ⁻¹(¾) = 0.6744897501960817`, re-estimated after every
        /// iteration (with sample weights, the weighted median; see
        /// ``RobustRegression/fit(_:_:norm:scale:weights:intercept:tolerance:maxIterations:)``).
        case mad
        /// A fixed `s > 0`: `MASS::rlm`'s coefficients given its final scale, or statsmodels'
        /// `fit(update_scale=False)` from that scale.
        case fixed(Double)

        /// `mad`, or `fixed(s)`.
        public var description: String {
            switch self {
            case .mad: "mad"
            case let .fixed(s): "fixed(\(s))"
            }
        }

        func validate() throws(DescentError) {
            if case let .fixed(s) = self, !(s.isFinite && s > 0) {
                throw .invalidOption(name: "scale", value: "fixed(\(s))", expected: "a finite scale s > 0")
            }
        }
    }

    /// statsmodels' `RLM` covariance types (`cov=` of `RLM.fit`), Huber's (1973) sandwich
    /// estimators; see ``RobustRegressionFit/summary(covariance:featureNames:)``.
    public enum Covariance: Sendable, Hashable, CustomStringConvertible {
        /// `K²·[Σψ²/(n − p)]·s² / (Σψ′/n)²·(XᵀX)⁻¹` (statsmodels' default).
        case h1
        /// `K·[Σψ²/(n − p)]·s² / (Σψ′/n)·W⁻¹` with `W = Xᵀdiag(ψ′)X`.
        case h2
        /// `K⁻¹·[Σψ²/(n − p)]·s²·W⁻¹(XᵀX)W⁻¹`.
        case h3

        /// `H1`, `H2` or `H3`, as statsmodels prints it.
        public var description: String {
            switch self {
            case .h1: "H1"
            case .h2: "H2"
            case .h3: "H3"
            }
        }
    }

    /// `Φ⁻¹(¾)`, the constant statsmodels' `mad` divides by (`MASS::rlm` uses the rounded 0.6745).
    public static let madConstant = 0.6744897501960817
}
