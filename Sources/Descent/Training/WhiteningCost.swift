/// The cost rule of ``Preconditioning/automatic``: whitening's own work, estimated from the
/// data's shape before anything is measured, in units of the plain fit it would serve.
///
/// With `n` rows, `d` columns, `k` targets and `b` rows per update, counted in multiply-adds:
/// - a plain epoch reads every row forward and back: `2·n·d·k`, at the speed of memory;
/// - the setup is the correlation pass `n·d²` (`syrk`), the Cholesky factorisations, the
///   inverse factor and, for full and mini-batches, the preconditioner `MMᵀ` (about `3·d³`), and
///   for several targets the whitening of their copy of the rows (`n·d²` more), all
///   blocked BLAS-3 work that runs ``blockSpeedup`` times faster per multiply-add than an epoch;
/// - a whitened epoch standardises every block it reads (about one more plain epoch) and then
///   steps along `P·g` (`d²` per update, at the speed of memory: `d/(2·b·k)` epochs) or, one row
///   per update, multiplies each row by `M` (`d²` per row in blocked products:
///   `d/(2·k·blockSpeedup)` epochs); several targets train on their whitened copy, at no cost per epoch.
struct WhiteningCost: Equatable {
    /// The setup in plain epochs.
    let setupEpochs: Double
    /// A whitened epoch over a plain one.
    let epochFactor: Double

    /// How much faster a multiply-add runs in blocked BLAS-3 work (`syrk`, `gemm`, `potrf`)
    /// than in a training epoch, which streams the rows from memory. Measured on this project's
    /// 2-core host (see ``Preconditioning/automatic``); a lower bound keeps the rule cautious.
    static let blockSpeedup = 8.0

    /// - Parameters:
    ///   - rowsPerUpdate: `b`: rows per update (1 for stochastic training).
    ///   - copiesRows: Several targets: the rows are whitened once into a copy.
    init(rows n: Int, columns d: Int, targets k: Int, rowsPerUpdate b: Int, copiesRows: Bool) {
        let (n, d, k, b) = (Double(Swift.max(1, n)), Double(d), Double(Swift.max(1, k)), Double(Swift.max(1, b)))
        let epoch = 2 * n * d * k
        let setup = (n * d * d * (copiesRows ? 2 : 1) + 3 * d * d * d) / Self.blockSpeedup
        setupEpochs = setup / epoch
        if copiesRows {
            epochFactor = 1
        } else if b > 1 {
            epochFactor = 2 + d / (2 * b * k)
        } else {
            epochFactor = 2 + d / (2 * k * Self.blockSpeedup)
        }
    }

    /// Whether the rule allows whitening: the setup within ``Preconditioning/maximumSetupEpochs``
    /// and a whitened epoch within ``Preconditioning/maximumEpochFactor`` of a plain one.
    var affordable: Bool {
        setupEpochs <= Preconditioning.maximumSetupEpochs && epochFactor <= Preconditioning.maximumEpochFactor
    }

    /// The bytes whitening's `d × d` matrices take at once for `Scalar` training: the
    /// correlation matrix, its Cholesky factor, the inverse factor (in `Double` and as a
    /// `transposed` working copy) and the preconditioner `MMᵀ` in `Double`, and two of them in the
    /// training precision (`M` for the rows, `P` for the gradients): `(4·8 + 2·s)·d²`.
    static func bytes<Scalar>(columns d: Int, scalar _: Scalar.Type) -> Int {
        let square = MemoryBudget.count(d, d)
        return MemoryBudget.total(MemoryBudget.bytes(MemoryBudget.count(4, square)),
                                  MemoryBudget.bytes(MemoryBudget.count(2, square), of: Scalar.self))
    }
}
