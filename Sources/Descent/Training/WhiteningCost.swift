/// The cost rule of ``Preconditioning/automatic``: whitening's own work, estimated from the
/// data's shape before anything is measured, in units of the plain fit it would serve.
///
/// With `n` rows, `d` columns, `k` targets and `b` rows per update, counted in multiply-adds:
/// - a plain epoch reads every row forward and back: `2·n·d·k`, at the speed of memory;
/// - the setup is the correlation pass `n·d²` (`syrk`), the Cholesky factorisations, the
///   inverse factor and, for full and mini-batches, the preconditioner `MMᵀ` (about `3·d³`), all
///   blocked BLAS-3 work that runs ``blockSpeedup`` times faster per multiply-add than an epoch;
/// - a whitened epoch of full or mini-batches standardises every block it reads (about one more
///   plain epoch) and steps along `P·G` (`d²·k` per update, at the speed of memory, against the
///   update's `2·b·d·k`): a factor `2 + d/(2·b)`; one row per update multiplies each row by `M`
///   as it standardises it (`d²` per row in blocked products, against the row's `2·d·k`):
///   `1 + d/(2·k·blockSpeedup)`.
///
/// Measured on this project's 2-core host (release `descent fit`, Double, correlated columns,
/// `--preconditioning none` against `whitened`): a whitened batch epoch took 2.1–2.2× a plain
/// one at `d = 100` and `1,000`; mini-batches of 32, 3.7–6.4× at `d = 100` and 7.2× at `1,000`;
/// single rows 1.1× at `d = 20` and 22× at `d = 100`. The whole setup of a default fit (the
/// correlation pass, the factorisations, the learning rate's whitened sample) took about 170
/// plain epochs at 20,000 × 1,000 (0.9 s against 5.4 ms epochs) and about 550 at 10,000 × 5,000
/// (9.1 s against 16.5 ms epochs), where the estimate gives 144 and 1,563.
struct WhiteningCost: Equatable {
    /// The setup in plain epochs.
    let setupEpochs: Double
    /// A whitened epoch over a plain one.
    let epochFactor: Double

    /// How much faster a multiply-add runs in blocked BLAS-3 work (`syrk`, `gemm`, `potrf`,
    /// `trsm`) than in a training epoch, which streams the rows from memory: 3.4 to 11 measured
    /// (the setups above); 4, near the lower end, so that the rule errs towards not whitening.
    static let blockSpeedup = 4.0

    /// - Parameters:
    ///   - targets: `k`, the targets trained together.
    ///   - rowsPerUpdate: `b`: rows per update (1 for stochastic training).
    init(rows n: Int, columns d: Int, targets k: Int, rowsPerUpdate b: Int) {
        let (n, d, k, b) = (Double(Swift.max(1, n)), Double(d), Double(Swift.max(1, k)), Double(Swift.max(1, b)))
        let epoch = 2 * n * d * k
        let setup = (n * d * d + 3 * d * d * d) / Self.blockSpeedup
        setupEpochs = setup / epoch
        if b > 1 {
            epochFactor = 2 + d / (2 * b)
        } else {
            epochFactor = 1 + d / (2 * k * Self.blockSpeedup)
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
