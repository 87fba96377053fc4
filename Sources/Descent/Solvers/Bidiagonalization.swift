/// Golub–Kahan bidiagonalisation on a ``SparseOperator``, the process LSMR and LSQR share: it
/// starts with `βu = b`, `αv = Aᵀu` and each ``step()`` makes `βu = Av − αu`, `αv = Aᵀu − βv`
/// (`u` this part's rows, its norm and `Aᵀu` summed over the parts; `v` the same on every part).
struct Bidiagonalization<S: BLASScalar> {
    let operator_: SparseOperator<S>
    private(set) var u: [Double]
    private(set) var v: [Double]
    private(set) var alpha = 0.0
    private(set) var beta: Double
    /// `‖b‖`.
    let normb: Double
    private var av: [Double]
    private var atu: [Double]

    init(_ operator_: SparseOperator<S>, _ b: [Double]) throws(DescentError) {
        self.operator_ = operator_
        let m = operator_.rows, n = operator_.columns
        u = b
        normb = try operator_.norm(b)
        beta = normb
        v = [Double](repeating: 0, count: n)
        v.reserveCapacity(n + 1)   // Aᵀu carries 1ᵀu in one more value while it is summed
        av = [Double](repeating: 0, count: m)
        atu = [Double](repeating: 0, count: n)
        atu.reserveCapacity(n + 1)
        if beta > 0 {
            for i in 0..<m { u[i] /= beta }
            try operator_.applyTransposed(u, into: &v)
            alpha = LSMRIteration<S>.norm(v)
        }
        if alpha > 0 { for j in 0..<n { v[j] /= alpha } }
    }

    /// The next `β`, `u`, `α`, `v` (`α` and `v` unchanged when `β = 0`).
    mutating func step() throws(DescentError) {
        let m = operator_.rows, n = operator_.columns
        try operator_.apply(v, into: &av)
        for i in 0..<m { u[i] = av[i] - alpha * u[i] }
        beta = try operator_.norm(u)
        guard beta > 0 else { return }
        for i in 0..<m { u[i] /= beta }
        try operator_.applyTransposed(u, into: &atu)
        for j in 0..<n { v[j] = atu[j] - beta * v[j] }
        alpha = LSMRIteration<S>.norm(v)
        if alpha > 0 { for j in 0..<n { v[j] /= alpha } }
    }
}
