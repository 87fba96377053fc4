internal import COpenBLAS

/// What the process's OpenBLAS runs with. Process-global: it applies to every fit and solve.
public enum BLASConfiguration {
    /// The kernel family OpenBLAS chose for this CPU, e.g. `"Haswell"` or `"SkylakeX"`
    /// (set `OPENBLAS_CORETYPE` to override it).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build configuration string (version, threading model).
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// The number of threads OpenBLAS uses for a large call, and Descent's own parallel loops too.
    ///
    /// It starts from `OPENBLAS_NUM_THREADS` (or the number of cores). Setting it changes the whole
    /// process (values below 1 mean 1); do not set it while another thread is inside a fit or a solve.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(clamping: Swift.max(1, newValue))) }
    }

    /// Sets ``threads``.
    @available(*, deprecated, message: "set BLASConfiguration.threads instead")
    public static func setThreads(_ count: Int) {
        threads = count
    }
}
