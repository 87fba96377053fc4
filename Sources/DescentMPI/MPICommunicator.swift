import Descent
import Synchronization

/// The processes of an MPI job (its ranks), each holding its own rows of one data set.
///
/// ```swift
/// import Descent
/// import DescentMPI
/// let world = try MPICommunicator.world()     // world.rank, world.size
/// let exact = try LeastSquares.solve(localX, localY, across: world)
/// ```
///
/// Every rank must make the same calls in the same order (they are collective). Ranks exchange
/// only sums (gradients, Gram matrices, column statistics), errors and triangular factors, and
/// combine them in a fixed order (a binary tree over the ranks in rank order, then a broadcast
/// of rank 0's result), so the results are the same bits on every rank and from run to run,
/// which MPI's own reductions do not promise.
///
/// Calls are serialised: the communicator may be used from any thread, one call at a time.
public final class MPICommunicator: Sendable {
    /// This process's rank, `0..<size`.
    public let rank: Int
    /// The number of ranks.
    public let size: Int
    let communicator: MPI.Communicator
    /// Serialises the calls (MPI is initialised with `MPI_THREAD_SERIALIZED`) and counts the time
    /// spent in them.
    let state = Mutex(Statistics())

    /// What the communicator has done so far in this process.
    struct Statistics {
        var seconds = 0.0
        var calls = 0
        var doublesSent = 0
    }

    private init(_ communicator: MPI.Communicator) throws(DescentError) {
        self.communicator = communicator
        rank = try MPI.rank(communicator)
        size = try MPI.size(communicator)
    }

    private static let shared: Result<MPICommunicator, DescentError> = {
        switch MPI.world {
        case let .failure(error): return .failure(error)
        case let .success(world):
            return Result { () throws(DescentError) in try MPICommunicator(world) }
        }
    }()

    /// Every process of the MPI job: the communicator the distributed fits and solves run on.
    ///
    /// The first call initialises MPI for the process (`MPI_Init_thread`, asking for and checking
    /// `MPI_THREAD_SERIALIZED`) unless the program has already done so; MPI is then finalised when
    /// the process exits. Every rank must call it (it copies `MPI_COMM_WORLD`, a collective step).
    /// Run without `mpirun`, a program is an MPI job of one rank.
    ///
    /// - Returns: The same communicator on every call.
    /// - Throws: `DescentError/communicationFailed(reason:)` if MPI cannot start or does not give
    ///   the thread level Descent needs.
    public static func world() throws(DescentError) -> MPICommunicator {
        try shared.get()
    }

    /// Whether this is rank 0, the rank that should write files (models, histories): every rank
    /// holds the same model after a fit, and one writer is enough.
    public var isRoot: Bool { rank == 0 }

    /// Waits until every rank has called it.
    ///
    /// - Throws: `DescentError/communicationFailed(reason:)` if MPI reports an error.
    public func barrier() throws(DescentError) {
        try exclusive { () throws(DescentError) in try MPI.barrier(communicator) }
    }

    /// The wall-clock seconds this process has spent inside the communicator's collective calls
    /// (waiting for other ranks included): the communication share of a fit or solve.
    public var communicationSeconds: Double { state.withLock { $0.seconds } }

    /// The number of collective calls this process has made on the communicator.
    public var collectiveCalls: Int { state.withLock { $0.calls } }

    /// Runs `body` as one collective call: alone (no other thread's call interleaves) and timed.
    func exclusive<Result>(_ body: () throws(DescentError) -> Result) throws(DescentError) -> Result {
        try state.withLock { (statistics) throws(DescentError) -> Result in
            let start = MPI.now()
            defer {
                statistics.seconds += MPI.now() - start
                statistics.calls += 1
            }
            return try body()
        }
    }
}
