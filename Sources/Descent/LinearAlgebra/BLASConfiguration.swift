internal import COpenBLAS

/// What the process's OpenBLAS runs with. Process-global: it applies to every fit and solve.
public enum BLASConfiguration {
    /// The kernel family OpenBLAS chose for this CPU, e.g. `"Haswell"` or `"SkylakeX"`
    /// (set `OPENBLAS_CORETYPE` to override it).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build configuration string (version, threading model).
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// The number of threads OpenBLAS uses for a large call (from `OPENBLAS_NUM_THREADS`, or the
    /// number of cores). Descent's own parallel loops use the same count.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of OpenBLAS threads for the whole process (and Descent's own parallel
    /// loops). Not safe to call while another thread is inside a fit or a solve.
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(Swift.max(1, count)))
    }
}
