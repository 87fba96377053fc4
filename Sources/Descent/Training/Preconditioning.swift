/// How gradient descent conditions the problem before it trains: ``GradientDescent/preconditioning``.
///
/// A first-order method needs about `κ` updates per tenfold reduction of the error along the
/// Hessian's flattest direction, where `κ` is the Hessian's condition number. Standardising
/// makes every column's scale 1 but leaves the correlations: statsmodels' star98 data, standardised,
/// still has `κ ≈ 1.3·10⁵`, and no stable constant rate brings stochastic gradient descent within
/// 30 % of its exact R² in 1000 epochs. Whitening removes the correlations too: the features are
/// centred, scaled and multiplied by `U⁻ᵀ`, where `UᵀU` is the Cholesky factorisation of their
/// correlation matrix `C` (plus a small `δI`, see below). On the whitened features the Hessian is
/// (nearly) the identity, so every mode converges in a few epochs whatever the correlations.
///
/// The objective, the model returned and its units do not change: the model trained on the
/// whitened features `z = U⁻ᵀ((x − μ)/σ)` is mapped back exactly (`w = D⁻¹U⁻¹v`,
/// `b = c − μᵀw`). Full and mini-batches do not even map the rows: they keep the standardised
/// weights and step along `U⁻¹U⁻ᵀg`, the same steps at `O(d²)` per update; single rows and
/// several targets map each block as it is read (`O(d²)` per row). Either way whitening costs one
/// extra pass over the data before training (the correlation matrix, `O(n·d²)`) and a `d × d`
/// Cholesky factorisation. On the bench's 1,000,000 × 100 a whitened batch epoch took 82 ms
/// against a plain one's 45 ms (`batch-epoch-whitened`), and whitened full batch converges in a
/// few epochs where the plain one may not converge at all.
///
/// `δ = √ε` of the training precision (`1.5·10⁻⁸` for `Double`, `3.5·10⁻⁴` for `Float`) keeps the
/// factor well defined when columns are (nearly) collinear: directions with eigenvalues below `δ`
/// are whitened only partly, and a direction the data does not span at all keeps the weight it
/// started with (zero from the default initialisation), as unpreconditioned gradient descent does.
///
/// Whitening holds a few `d × d` matrices (four in `Double` and two in the training precision of
/// `s` bytes at most at once: `(32 + 2·s)·d²` bytes, 4.8 GB in `Double` at `d = 10,000`). They are checked against what the
/// process may allocate before the first is made: ``automatic`` trains without whitening when
/// they do not fit, and ``whitened`` throws ``DescentError/insufficientMemory(needed:available:what:remedies:)``.
public enum Preconditioning: String, Sendable, Hashable, Codable, CaseIterable {
    /// Train on the features as given (standardised when ``GradientDescent/standardize`` is set).
    case none
    /// Whiten when the problem as configured is ill-conditioned and not penalised (whitening would
    /// move a penalty onto the whitened weights, another objective), and whitening costs little
    /// next to the fit it serves: the condition number of the Hessian the fit would otherwise
    /// train on (of the standardised features with ``GradientDescent/standardize``, of the raw
    /// features and the bias without) is estimated in the pass that measures `C`, and the
    /// features are whitened when it exceeds ``automaticThreshold``. Otherwise training is
    /// exactly as with ``none``.
    ///
    /// Whitening's own cost is judged first, from the data's shape alone, because measuring `C`
    /// is already most of it: with `n` rows, `d` columns, `k` targets and `b` rows per update,
    /// the setup (the correlation pass, `n·d²`, and the factorisations, about `3·d³`, blocked
    /// work that runs about 4× faster per multiply-add than an epoch) is estimated as
    /// `(n·d² + 3·d³)/(4·2·n·d·k)` plain epochs, and a whitened epoch as `2 + d/(2·b)` plain
    /// ones for full and mini-batches (standardising each block, and `P·G` per update) or
    /// `1 + d/(8·k)` for single rows (each row times `M`). Whitening is considered only when the
    /// setup is at most ``maximumSetupEpochs`` plain epochs and a whitened epoch at most
    /// ``maximumEpochFactor`` plain ones, and when its `d × d` matrices fit in what the process
    /// may allocate; otherwise the fit trains as with ``none`` and says why in
    /// ``FitHistory/whiteningSkipped``.
    ///
    /// Measured with `descent fit` (release, Double, correlated columns, this project's 2-core
    /// host, 1,000-epoch budget): at 10,000 × 5,000 the rule estimates 1,563 plain epochs of setup
    /// and skips whitening; the default fit took 16.6 s, as `--preconditioning none` (17.5 s),
    /// where whitening took 51 s (9 s of setup, about 550 plain epochs; before its inverse and
    /// preconditioner were blocked and this rule existed, a default fit at 5,000 columns had
    /// been reported to take 236 s). At 200,000 × 100 the estimate is 12.5 epochs and the default
    /// whitens: 1.2 s (converged in 9 epochs) against 3.1 s unwhitened (not converged in 1,000).
    /// At 20,000 × 1,000 it skips (144 epochs): 5.5 s and not converged, where whitening would
    /// have converged in 1.7 s. The rule cannot know in advance how many epochs whitening saves,
    /// and errs towards not whitening: a fit that measures and finds the condition low pays for
    /// the measurement for nothing.
    case automatic
    /// Always whiten (which includes centring and scaling, whether or not ``GradientDescent/standardize`` is set).
    /// A penalised configuration refuses it with ``DescentError/invalidOption(name:value:expected:)``.
    case whitened

    /// The condition number above which ``automatic`` whitens: `100`. Below it, a first-order
    /// method with the automatic rate converges in a few hundred epochs and whitening's `O(d²)`
    /// per row does not pay.
    public static let automaticThreshold = 100.0

    /// The most plain epochs' worth of work ``automatic`` spends setting whitening up (the
    /// correlation pass and the factorisations), as its cost rule estimates it: `20`. A fit that
    /// measures the condition and finds it low pays part of this for nothing, so it is kept small
    /// next to the tens to hundreds of epochs a fit takes.
    public static let maximumSetupEpochs = 20.0

    /// The most a whitened epoch may cost, as a multiple of a plain one, for ``automatic`` to
    /// whiten: `4`, so that a whitened fit costs at most a few times the same epochs unwhitened
    /// even when whitening saves none.
    public static let maximumEpochFactor = 4.0
}
