#if canImport(Glibc)
import Glibc
#endif

/// What the process may still allocate, and the check made before every allocation that grows
/// with `d²` or `n·d` (a Gram matrix, a factor, a QR or SVD workspace, a copy of the features):
/// such a request that cannot be met is a ``DescentError/insufficientMemory(needed:available:what:remedies:)``
/// before anything is allocated, never a trap inside the allocator.
///
/// The budget is the smaller of the memory the kernel reports available (`MemAvailable` in
/// `/proc/meminfo`) and what the address-space limit leaves (`RLIMIT_AS`, `ulimit -v`, less the
/// process's `VmSize` from `/proc/self/status`), less a margin of 1/16 and 64 MiB for everything
/// that is not checked (block buffers, BLAS's own, the allocator's). It is read again at every
/// check, so memory taken since (by an earlier buffer of the same method) counts.
enum MemoryBudget {
    /// Requests of at most this many bytes are not checked: they are not what exhausts a
    /// machine, and reading `/proc` costs tens of microseconds.
    static let uncheckedBytes = 32 << 20

    /// Tests only: the bytes the process may allocate, instead of what the machine reports; every
    /// request is then checked, however small.
    @TaskLocal static var simulatedAvailable: Int? = nil

    /// `count` values of `T`, in bytes; `Int.max` when that overflows (a request no machine meets).
    static func bytes<T>(_ count: Int, of _: T.Type = Double.self) -> Int {
        let (product, overflow) = Swift.max(0, count).multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        return overflow ? .max : product
    }

    /// The product of `factors` (element counts such as `d`, `d`, `k`), `Int.max` when it overflows.
    static func count(_ factors: Int...) -> Int {
        var product = 1
        for factor in factors {
            let (next, overflow) = product.multipliedReportingOverflow(by: Swift.max(0, factor))
            if overflow { return .max }
            product = next
        }
        return product
    }

    /// The sum of byte counts, `Int.max` when it overflows.
    static func total(_ parts: Int...) -> Int {
        var sum = 0
        for part in parts {
            let (next, overflow) = sum.addingReportingOverflow(Swift.max(0, part))
            if overflow { return .max }
            sum = next
        }
        return sum
    }

    /// The bytes the process may allocate now (see ``MemoryBudget``); `Int.max` where the system
    /// does not say (no `/proc`).
    static func available() -> Int {
        if let simulatedAvailable { return simulatedAvailable }
        var limit = Int.max
        if let memory = kilobytes("MemAvailable:", in: "/proc/meminfo") { limit = Swift.min(limit, memory) }
        if let space = addressSpaceLimit() {
            let used = kilobytes("VmSize:", in: "/proc/self/status") ?? 0
            limit = Swift.min(limit, Swift.max(0, space - used))
        }
        guard limit < .max else { return .max }
        return Swift.max(0, limit - limit / 16 - 64 << 20)
    }

    /// Checks that `bytes` more can be allocated, for `what` (e.g. "the normal equations' Gram
    /// matrix (50000 × 50000 Double values)"), before the caller allocates them.
    ///
    /// - Throws: ``DescentError/insufficientMemory(needed:available:what:remedies:)`` with `remedies`
    ///   when they cannot.
    static func reserve(_ bytes: Int, for what: @autoclosure () -> String,
                        remedies: @autoclosure () -> [MemoryRemedy]) throws(DescentError) {
        guard !fits(bytes) else { return }
        throw .insufficientMemory(needed: bytes, available: available(), what: what(), remedies: remedies())
    }

    /// Whether `bytes` more can be allocated now.
    static func fits(_ bytes: Int) -> Bool {
        if simulatedAvailable == nil && bytes <= uncheckedBytes { return true }
        return bytes <= available()
    }

    /// The largest `d` for which `perSquare·d²` bytes fit in `bytes`: how many columns a method
    /// whose memory grows with `d²` could take.
    static func columns(fitting bytes: Int, perSquare: Int) -> Int {
        guard perSquare > 0, bytes > 0 else { return 0 }
        return Int((Double(bytes) / Double(perSquare)).squareRoot().rounded(.down))
    }

    /// `RLIMIT_AS` in bytes, `nil` when unlimited.
    private static func addressSpaceLimit() -> Int? {
        #if canImport(Glibc)
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else {
            return nil
        }
        return limit.rlim_cur > UInt(Int.max) ? nil : Int(limit.rlim_cur)
        #else
        return nil
        #endif
    }

    /// The value in bytes of the `key` line (`key   1234 kB`) of a `/proc` file; `nil` when it is
    /// not there.
    private static func kilobytes(_ key: String, in path: String) -> Int? {
        #if canImport(Glibc)
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix(key) else { continue }
            let digits = text.dropFirst(key.count).filter { $0.isNumber }
            guard let value = Int(digits) else { return nil }
            return value.multipliedReportingOverflow(by: 1024).overflow ? .max : value * 1024
        }
        return nil
        #else
        return nil
        #endif
    }
}
