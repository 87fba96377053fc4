internal import CMPI
import Descent
#if canImport(Glibc)
import Glibc
#endif

/// Typed Open MPI over Swift buffers: the only file that imports the C shim.
///
/// Every call returns or throws; a non-zero MPI status becomes
/// `DescentError/communicationFailed(reason:)` with MPI's own words (the private communicator
/// returns errors instead of aborting). Counts are Swift `Int`s, sent in pieces of at most
/// `2³¹ − 1` elements because MPI counts are 32-bit.
enum MPI {
    /// A communicator handle. Immutable; the calls on it are serialised by ``MPICommunicator``.
    struct Communicator: @unchecked Sendable {
        fileprivate let handle: MPI_Comm
    }

    /// The thread level Descent asks for: calls may come from any thread, one at a time
    /// (``MPICommunicator`` serialises them with a lock).
    static var requiredThreadLevel: Int32 { descent_mpi_thread_serialized() }

    /// The process's private copy of `MPI_COMM_WORLD`, made once: MPI is initialised on first use
    /// (`MPI_Init_thread`, unless the program already did) and finalised at exit (only if Descent
    /// initialised it). The copy keeps Descent's messages apart from the program's own.
    static let world: Result<Communicator, DescentError> = initialize()

    private static func initialize() -> Result<Communicator, DescentError> {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        var provided: Int32 = 0
        if initialized == 0 {
            let code = MPI_Init_thread(nil, nil, requiredThreadLevel, &provided)
            guard code == MPI_SUCCESS else {
                return .failure(.communicationFailed(reason: "MPI_Init_thread: \(describe(code))"))
            }
            atexit { MPI.finalizeAtExit() }
        } else {
            MPI_Query_thread(&provided)
        }
        guard provided >= requiredThreadLevel else {
            return .failure(.communicationFailed(reason: "MPI gives thread level \(levelName(provided)), but Descent needs "
                + "\(levelName(requiredThreadLevel)) (calls from any thread, one at a time); "
                + "initialise MPI with MPI_THREAD_SERIALIZED or higher, or let Descent initialise it"))
        }
        var copy: MPI_Comm? = nil
        var code = MPI_Comm_dup(descent_mpi_comm_world(), &copy)
        guard code == MPI_SUCCESS, let copy else {
            return .failure(.communicationFailed(reason: "MPI_Comm_dup: \(describe(code))"))
        }
        code = MPI_Comm_set_errhandler(copy, descent_mpi_errors_return())
        guard code == MPI_SUCCESS else {
            return .failure(.communicationFailed(reason: "MPI_Comm_set_errhandler: \(describe(code))"))
        }
        return .success(Communicator(handle: copy))
    }

    /// `MPI_Finalize`, if MPI is still running: registered with `atexit` by ``initialize()``.
    private static func finalizeAtExit() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }

    private static func levelName(_ level: Int32) -> String {
        switch level {
        case descent_mpi_thread_single(): "MPI_THREAD_SINGLE"
        case descent_mpi_thread_funneled(): "MPI_THREAD_FUNNELED"
        case descent_mpi_thread_serialized(): "MPI_THREAD_SERIALIZED"
        case descent_mpi_thread_multiple(): "MPI_THREAD_MULTIPLE"
        default: "\(level)"
        }
    }

    /// MPI's message for an error code.
    private static func describe(_ code: Int32) -> String {
        var text = [CChar](repeating: 0, count: Int(descent_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        guard MPI_Error_string(code, &text, &length) == MPI_SUCCESS else { return "MPI error \(code)" }
        return String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func check(_ code: Int32, _ routine: String) throws(DescentError) {
        if code != MPI_SUCCESS { throw .communicationFailed(reason: "\(routine): \(describe(code))") }
    }

    /// The largest count passed to one MPI call (MPI counts are 32-bit): a shorter vector is
    /// one message, which ``incomingCount(from:tag:_:)`` measures whole.
    static let piece = Int(Int32.max)

    // MARK: Queries

    /// This process's rank in `comm`.
    static func rank(_ comm: Communicator) throws(DescentError) -> Int {
        var rank: Int32 = 0
        try check(MPI_Comm_rank(comm.handle, &rank), "MPI_Comm_rank")
        return Int(rank)
    }

    /// The number of processes in `comm`.
    static func size(_ comm: Communicator) throws(DescentError) -> Int {
        var size: Int32 = 0
        try check(MPI_Comm_size(comm.handle, &size), "MPI_Comm_size")
        return Int(size)
    }

    /// Seconds on MPI's wall clock (`MPI_Wtime`).
    static func now() -> Double { MPI_Wtime() }

    // MARK: Collectives

    /// Waits until every process of `comm` has called it.
    static func barrier(_ comm: Communicator) throws(DescentError) {
        try check(MPI_Barrier(comm.handle), "MPI_Barrier")
    }

    /// Which integer reduction ``allReduce(_:_:_:)`` applies.
    enum IntegerReduction { case minimum, maximum }

    /// `values[i] ← min` (or max) over all processes of `values[i]`. Exact, so order does not matter.
    static func allReduce(_ values: inout [Int64], _ op: IntegerReduction, _ comm: Communicator) throws(DescentError) {
        let mpiOp = op == .minimum ? descent_mpi_min() : descent_mpi_max()
        let count = Int32(values.count)
        let code = values.withUnsafeMutableBytes {
            MPI_Allreduce(descent_mpi_in_place(), $0.baseAddress, count, descent_mpi_int64(), mpiOp, comm.handle)
        }
        try check(code, "MPI_Allreduce")
    }

    /// Every process's `values` (all the same length), in rank order.
    static func allGather(_ values: [Int64], _ comm: Communicator, size: Int) throws(DescentError) -> [Int64] {
        var all = [Int64](repeating: 0, count: values.count * size)
        let count = Int32(values.count)
        let code = values.withUnsafeBytes { mine in
            all.withUnsafeMutableBytes {
                MPI_Allgather(mine.baseAddress, count, descent_mpi_int64(), $0.baseAddress, count, descent_mpi_int64(),
                              comm.handle)
            }
        }
        try check(code, "MPI_Allgather")
        return all
    }

    /// Copies `root`'s `values` into every process's `values` (which must have the same length).
    static func broadcast(_ values: inout [Double], root: Int, _ comm: Communicator) throws(DescentError) {
        try values.withUnsafeMutableBytes { broadcast($0, elementSize: 8, type: descent_mpi_double(), root: root, comm) }.get()
    }

    /// Copies `root`'s `values` into every process's `values` (which must have the same length).
    static func broadcast(_ values: inout [Int64], root: Int, _ comm: Communicator) throws(DescentError) {
        try values.withUnsafeMutableBytes { broadcast($0, elementSize: 8, type: descent_mpi_int64(), root: root, comm) }.get()
    }

    /// Copies `root`'s `values` into every process's `values` (which must have the same length).
    static func broadcast(_ values: inout [UInt8], root: Int, _ comm: Communicator) throws(DescentError) {
        try values.withUnsafeMutableBytes { broadcast($0, elementSize: 1, type: descent_mpi_byte(), root: root, comm) }.get()
    }

    private static func broadcast(_ bytes: UnsafeMutableRawBufferPointer, elementSize: Int, type: MPI_Datatype?,
                                  root: Int, _ comm: Communicator) -> Result<Void, DescentError> {
        Result { () throws(DescentError) in
            let count = bytes.count / elementSize
            var start = 0
            repeat {
                let n = Swift.min(piece, count - start)
                try check(MPI_Bcast(bytes.baseAddress.map { $0 + start * elementSize }, Int32(n), type, Int32(root),
                                    comm.handle), "MPI_Bcast")
                start += n
            } while start < count
        }
    }

    // MARK: Point to point

    /// Sends `values` to `destination` with `tag` (blocking).
    static func send(_ values: [Double], to destination: Int, tag: Int32, _ comm: Communicator) throws(DescentError) {
        var start = 0
        repeat {
            let n = Swift.min(piece, values.count - start)
            let code = values.withUnsafeBufferPointer {
                MPI_Send($0.baseAddress.map { $0 + start }, Int32(n), descent_mpi_double(), Int32(destination), tag,
                         comm.handle)
            }
            try check(code, "MPI_Send")
            start += n
        } while start < values.count
    }

    /// The number of doubles in the next message from `source` with `tag`, without receiving it
    /// (`MPI_Probe`, blocking until it arrives).
    static func incomingCount(from source: Int, tag: Int32, _ comm: Communicator) throws(DescentError) -> Int {
        var status = MPI_Status()
        try check(MPI_Probe(Int32(source), tag, comm.handle, &status), "MPI_Probe")
        var count: Int32 = 0
        try check(MPI_Get_count(&status, descent_mpi_double(), &count), "MPI_Get_count")
        return Int(count)
    }

    /// Receives `values.count` doubles from `source` with `tag` into `values` (blocking).
    static func receive(_ values: inout [Double], from source: Int, tag: Int32, _ comm: Communicator) throws(DescentError) {
        var start = 0
        let count = values.count
        repeat {
            let n = Swift.min(piece, count - start)
            let code = values.withUnsafeMutableBufferPointer {
                MPI_Recv($0.baseAddress.map { $0 + start }, Int32(n), descent_mpi_double(), Int32(source), tag,
                         comm.handle, descent_mpi_status_ignore())
            }
            try check(code, "MPI_Recv")
            start += n
        } while start < count
    }
}
