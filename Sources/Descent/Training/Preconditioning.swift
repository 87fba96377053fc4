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
public enum Preconditioning: String, Sendable, Hashable, Codable, CaseIterable {
    /// Train on the features as given (standardised when ``GradientDescent/standardize`` is set).
    case none
    /// Whiten when the problem as configured is ill-conditioned and not penalised (whitening would
    /// move a penalty onto the whitened weights, another objective): the condition number of the
    /// Hessian the fit would otherwise train on (of the standardised features with
    /// ``GradientDescent/standardize``, of the raw features and the bias without) is estimated in
    /// the pass that measures `C`, and the features are whitened when it exceeds
    /// ``automaticThreshold``. Otherwise training is exactly as with ``none``.
    case automatic
    /// Always whiten (which includes centring and scaling, whether or not ``GradientDescent/standardize`` is set).
    /// A penalised configuration refuses it with ``DescentError/invalidOption(name:value:expected:)``.
    case whitened

    /// The condition number above which ``automatic`` whitens: `100`. Below it, a first-order
    /// method with the automatic rate converges in a few hundred epochs and whitening's `O(d²)`
    /// per row does not pay.
    public static let automaticThreshold = 100.0

    /// The most plain epochs' worth of work ``automatic`` spends setting whitening up (the
    /// correlation pass and the factorisations): `20`.
    public static let maximumSetupEpochs = 20.0

    /// The most a whitened epoch may cost, as a multiple of a plain one, for ``automatic`` to
    /// whiten: `4`.
    public static let maximumEpochFactor = 4.0
}
