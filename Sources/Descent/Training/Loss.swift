/// The loss each residual `r = ŷ − y` passes through: ``GradientDescent/loss``.
///
/// Training minimises the mean over rows of `ŵᵢ·ℓ(rᵢ)` (plus the penalty), so every residual goes
/// through the loss between the forward product `Xw + b` and the backward product `Xᵀψ`: its value
/// `ℓ(r)` for the epoch's loss, its derivative `ℓ'(r) = c·ψ(r)` for the gradient (`c` a constant
/// factor, applied once per update as the `c/m` scale of a batch of `m` rows), and its curvature
/// `sup ℓ''` for the automatic learning rate. A struct with static members rather than an `enum`,
/// so that a loss added later does not break a `switch` in your code.
///
/// ```swift
/// gd.loss = .squared   // the default: ℓ(r) = r², the mean squared error
/// ```
public struct Loss: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable { case squared }
    let kind: Kind

    /// The squared error `ℓ(r) = r²`, so the objective is the (weighted) mean squared error:
    /// `ℓ'(r) = 2r`, `ℓ'' = 2`. Its residuals reach the backward product as they are
    /// (`ψ(r) = r`), which keeps the fused and compiled kernels, and its exact solution is the
    /// least-squares one ``LeastSquares`` computes.
    public static var squared: Loss { Loss(kind: .squared) }

    /// `squared`.
    public var description: String {
        switch kind {
        case .squared: "squared"
        }
    }

    /// `ℓ(r)`.
    @inline(__always)
    func value<S: BLASScalar>(_ r: S) -> S {
        switch kind {
        case .squared: r * r
        }
    }

    /// `ŵ·ℓ(r)` from `r` and `ŵr` (for the squared loss `(ŵr)·r`, as the kernels compute it).
    @inline(__always)
    func weightedValue<S: BLASScalar>(_ r: S, weighted: S) -> S {
        switch kind {
        case .squared: weighted * r
        }
    }

    /// `ℓ'(r) = c·ψ(r)` for one row's (weighted) residual: a stochastic step's factor.
    @inline(__always)
    func derivative<S: BLASScalar>(_ r: S) -> S {
        switch kind {
        case .squared: 2 * r
        }
    }

    /// The constant factor `c` of the derivative, `ℓ'(r) = c·ψ(r)`: a batch of `m` rows steps along
    /// `(c/m)·Xᵀψ`.
    var derivativeFactor: Double {
        switch kind {
        case .squared: 2
        }
    }

    /// `(c/m)` in the training precision: the scale of a batch's `Xᵀψ` (for the squared loss
    /// `2/m`, bit for bit).
    @inline(__always)
    func batchScale<S: BLASScalar>(rows m: Int) -> S { S(derivativeFactor) / S(m) }

    /// The loss's largest curvature `sup ℓ''`: the Hessian of the objective is at most
    /// `(ℓ''/n)·[X 1]ᵀŴ[X 1]`, what the automatic learning rate measures.
    var curvature: Double {
        switch kind {
        case .squared: 2
        }
    }

    /// The residual stage between the forward and the backward product: turns a block's `count`
    /// weighted residuals `ŵr` (`k` per row) into `ŵψ(r)` in place, and returns `Σŵℓ(r)` over them
    /// given the forward kernel's `Σŵr²` (`squares`). The squared loss's `ψ` is the identity: the
    /// residuals pass as they are and its loss is the kernel's sum.
    @inline(__always)
    func backward<S: BLASScalar>(_ residuals: UnsafeMutablePointer<S>, count: Int, squares: S) -> S {
        switch kind {
        case .squared: squares
        }
    }

    /// Whether a batch's `Xᵀψ` may come from the fused and compiled squared-loss kernels.
    var usesSquaredKernels: Bool { kind == .squared }

    /// Whether ``Convergence``'s certificates (the squared loss's Fenchel dual and its Gram
    /// matrix) apply.
    var isCertifiable: Bool { kind == .squared }
}
