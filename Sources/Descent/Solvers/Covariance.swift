extension LeastSquares {
    /// Which covariance of the estimates a summary or a prediction uses: the classical one, a
    /// heteroskedasticity-robust sandwich (HC0–HC3), Newey–West's HAC, or clustered.
    ///
    /// Every robust type is the sandwich `V = B·M·B` with the bread `B = (XᵀX)⁻¹` (for WLS, of the
    /// `√w`-scaled design, as statsmodels' `WLS` and R's `lm(weights =)`) and a meat `M` summed over
    /// the rows in one pass, the same in memory, on a streamed ``RowSource`` and across MPI ranks:
    ///
    /// | case | meat `M` | reproduces |
    /// |---|---|---|
    /// | ``nonrobust`` | `σ̂²·XᵀX` | statsmodels `fit()`, R `vcov(lm)` |
    /// | ``hc0`` | `Σ eᵢ²xᵢxᵢᵀ` | `cov_type="HC0"`, `sandwich::vcovHC(type = "HC0")` |
    /// | ``hc1`` | `n/(n − p)·Σ eᵢ²xᵢxᵢᵀ` (Stata's `robust`) | `"HC1"`, `vcovHC(type = "HC1")` |
    /// | ``hc2`` | `Σ eᵢ²/(1 − hᵢ)·xᵢxᵢᵀ` | `"HC2"`, `vcovHC(type = "HC2")` |
    /// | ``hc3`` | `Σ eᵢ²/(1 − hᵢ)²·xᵢxᵢᵀ` | `"HC3"`, `vcovHC(type = "HC3")` (its default) |
    /// | ``hac(lags:smallSampleCorrection:)`` | `Γ₀ + Σₗ (1 − l/(L+1))(Γₗ + Γₗᵀ)`, `Γₗ = Σᵢ uᵢuᵢ₋ₗᵀ`, `uᵢ = eᵢxᵢ` | `cov_type="HAC"` with `maxlags = L`, `use_correction`; `sandwich::NeweyWest(lag = L, prewhite = FALSE, adjust =)` |
    /// | ``cluster(groups:)`` | `G/(G − 1)·(n − 1)/(n − p)·Σ_g s_g s_gᵀ`, `s_g = Σ_{i∈g} uᵢ` | `cov_type="cluster"`; `sandwich::vcovCL` (its defaults `type = "HC1"`, `cadjust = TRUE`) |
    /// | ``twoWayCluster(_:_:)`` | `M₁ + M₂ − M₁₂`, each with its own `G/(G − 1)` | `vcovCL(cluster = data.frame(g1, g2))`, statsmodels' two-column `groups` |
    ///
    /// The leverages `hᵢ = xᵢᵀ(XᵀX)⁻¹xᵢ` come from the QR factor row by row (no `n × n` matrix).
    ///
    /// **Tests and intervals.** As statsmodels: the classical covariance uses Student's t with
    /// `n − p` degrees of freedom; every robust type uses the normal distribution (statsmodels'
    /// `use_t=False`) unless the summary is asked for t (`useT: true`), which then has `n − p`
    /// degrees of freedom for HC and HAC, and `G − 1` for clusters (the smaller `G` of two-way
    /// clusters), statsmodels' `df_correction`.
    public enum Covariance: Sendable, Hashable, CustomStringConvertible {
        /// The classical covariance `σ̂²(XᵀX)⁻¹`.
        case nonrobust
        /// White's heteroskedasticity-consistent sandwich, no small-sample scaling.
        case hc0
        /// HC0 scaled by `n/(n − p)`.
        case hc1
        /// Each squared residual divided by `1 − hᵢ`.
        case hc2
        /// Each squared residual divided by `(1 − hᵢ)²`: the jackknife approximation.
        case hc3
        /// Newey–West (Bartlett kernel) with `lags` lags in the rows' order (`nil`: R's automatic
        /// bandwidth, `floor(bwNeweyWest(prewhite = FALSE))`: `1.1447·((s₁/s₀)²·n)^{1/3}` from the
        /// autocovariances of `Σⱼ uᵢⱼ` over the non-intercept scores up to lag `⌊4(n/100)^{2/9}⌋`).
        ///
        /// By default no small-sample correction: statsmodels' `use_correction=False` and R's
        /// `NeweyWest(adjust = FALSE)`. `smallSampleCorrection: true` multiplies by `n/(n − p)`,
        /// statsmodels' `use_correction=True` and R's `adjust = TRUE`. (R's `NeweyWest` defaults,
        /// `prewhite = TRUE` and `adjust = TRUE`, are another estimator: set them to `FALSE` in R
        /// to compare; that difference is statsmodels#2414.)
        case hac(lags: Int?, smallSampleCorrection: Bool = false)
        /// One-way clustered: `groups` holds one integer label per row (on a source, per row of
        /// this part, in row order).
        case cluster(groups: [Int])
        /// Two-way clustered, as R's `vcovCL` with two cluster variables (`V₁ + V₂ − V₁₂`, the
        /// intersection clusters being the label pairs). The sum may have negative variances on
        /// small data: those standard errors are NaN, as in statsmodels and R.
        case twoWayCluster(_ first: [Int], _ second: [Int])

        /// The name statsmodels prints as "Covariance Type": `nonrobust`, `HC0`…`HC3`, `HAC`, `cluster`.
        public var description: String {
            switch self {
            case .nonrobust: "nonrobust"
            case .hc0: "HC0"
            case .hc1: "HC1"
            case .hc2: "HC2"
            case .hc3: "HC3"
            case .hac: "HAC"
            case .cluster, .twoWayCluster: "cluster"
            }
        }

        /// Whether the meat needs the leverages `hᵢ`.
        var needsLeverage: Bool {
            switch self {
            case .hc2, .hc3: true
            default: false
            }
        }

        /// The cluster labels (one or two per row), empty for the other types.
        var labels: [[Int]] {
            switch self {
            case let .cluster(groups): [groups]
            case let .twoWayCluster(first, second): [first, second]
            default: []
            }
        }

        /// Checks the options against this part's `rows`.
        func check(rows: Int) throws(DescentError) {
            if case let .hac(lags?, _) = self, lags < 0 {
                throw .invalidOption(name: "covariance", value: ".hac(lags: \(lags))", expected: "lags ≥ 0, or nil for the automatic bandwidth")
            }
            for labels in labels {
                guard labels.count == rows else {
                    throw .invalidOption(name: "groups", value: "\(labels.count) labels",
                                         expected: "one cluster label per row (\(rows))")
                }
                guard labels.allSatisfy({ Swift.abs($0) < 1 << 53 }) else {
                    throw .invalidOption(name: "groups", value: "a label beyond ±2⁵³", expected: "labels of magnitude below 2⁵³")
                }
            }
        }
    }
}
