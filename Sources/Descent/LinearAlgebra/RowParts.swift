import Dispatch

/// A block of rows cut into parts fixed by its shape, run at the same time on the BLAS threads,
/// each part's sums in scratch of its own, added up in order afterwards: the same bits with any
/// number of threads. The exact solvers' passes use it with the compiled kernels
/// (``GramProduct``, ``ResidualPass``), which then make no OpenBLAS call whose threads would spin
/// beside them.
enum RowParts {
    /// The fewest rows a part is given: below twice this, one part.
    static var minimumRows: Int { 512 }
    /// The most parts a block is cut into.
    static var maximumParts: Int { 8 }

    /// How many parts `rows` rows are cut into, at most `limit`.
    static func count(rows: Int, limit: Int = maximumParts) -> Int {
        Swift.max(1, Swift.min(maximumParts, limit, rows / minimumRows))
    }

    /// Runs `part(p, lower, upper, scratch)` for each part `p` of `parts` over `rows` rows
    /// (`scratch` holds `stride` values of its own, uninitialised; `nil` for the first part, which
    /// writes the outputs itself), at the same time when `threads` > 1, then `add(p, scratch)` for
    /// the further parts in order. `false`, with nothing added, when a part did not run (the
    /// kernels run for every part or none: it depends on the CPU and the width only).
    /// `buffer`, when given, holds at least `(parts − 1) · stride` values and serves as the scratch
    /// (a pass over many blocks allocates it once: a fresh megabyte per block cost a `mmap`, its
    /// page faults and a `munmap` each time).
    static func run(rows m: Int, parts: Int, stride: Int, threads: Int, buffer: UnsafeMutablePointer<Double>? = nil,
                    _ part: @escaping (_ p: Int, _ lower: Int, _ upper: Int, _ scratch: UnsafeMutablePointer<Double>?) -> Bool,
                    add: (_ p: Int, _ scratch: UnsafeMutablePointer<Double>) -> Void) -> Bool {
        let owned = buffer == nil ? UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, (parts - 1) * stride)) : nil
        defer { owned?.deallocate() }
        let scratch = buffer ?? owned!
        func run(_ p: Int) -> Bool {
            part(p, m * p / parts, m * (p + 1) / parts, p == 0 ? nil : scratch + (p - 1) * stride)
        }
        var ran = true
        if parts > 1 && threads > 1 {
            let done = UnsafeMutablePointer<Bool>.allocate(capacity: parts)
            defer { done.deallocate() }
            let shared = UncheckedSendable((run, done))
            DispatchQueue.concurrentPerform(iterations: parts) { p in shared.value.1[p] = shared.value.0(p) }
            ran = (0..<parts).allSatisfy { done[$0] }
        } else {
            for p in 0..<parts where ran { ran = run(p) }
        }
        guard ran else { return false }
        for p in 1..<Swift.max(1, parts) { add(p, scratch + (p - 1) * stride) }
        return true
    }
}
