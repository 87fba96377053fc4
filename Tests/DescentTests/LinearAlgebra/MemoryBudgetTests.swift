import Foundation
import Testing
@testable import Descent

/// The memory budget: what the process may allocate, byte counts that cannot overflow, and the
/// check that throws a typed error instead of letting an allocation trap.
@Suite("Memory budget")
struct MemoryBudgetTests {
    @Test("byte counts saturate instead of overflowing")
    func counts() {
        #expect(MemoryBudget.bytes(10) == 80 && MemoryBudget.bytes(10, of: Float.self) == 40)
        #expect(MemoryBudget.count(50_000, 50_000) == 2_500_000_000)
        #expect(MemoryBudget.count(Int.max / 2, 3) == .max && MemoryBudget.bytes(Int.max / 4) == .max)
        #expect(MemoryBudget.total(.max, 1) == .max && MemoryBudget.total(1, 2, 3) == 6)
        #expect(MemoryBudget.count(3_037_000_500, 3_037_000_500, 8) == .max)   // d·d·8 beyond Int
        #expect(MemoryBudget.columns(fitting: 8_000_000, perSquare: 8) == 1000)
    }

    @Test("the budget is what the machine reports: positive, within MemAvailable and the address-space limit")
    func machine() throws {
        let available = MemoryBudget.available()
        #expect(available > 0)
        let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let line = try #require(meminfo.split(separator: "\n").first { $0.hasPrefix("MemAvailable:") })
        let kilobytes = try #require(Int(line.filter(\.isNumber)))
        #expect(available <= kilobytes * 1024)
        // Small requests are never checked; a request beyond any machine always fails.
        #expect(MemoryBudget.fits(1 << 20) && !MemoryBudget.fits(.max))
    }

    @Test("a request beyond the budget is a typed error that names the size, what it was for and what to do")
    func reserve() throws {
        try MemoryBudget.$simulatedAvailable.withValue(1000) {
            try MemoryBudget.reserve(1000, for: "a test", remedies: [])
            // Simulated, every request is checked, however small.
            #expect(!MemoryBudget.fits(1001))
            expectDescentError(.insufficientMemory(needed: 1001, available: 1000, what: "a test buffer",
                                                   remedies: [.withoutWhitening, .fewerColumns(atMost: 11)])) {
                try MemoryBudget.reserve(1001, for: "a test buffer", remedies: [.withoutWhitening, .fewerColumns(atMost: 11)])
            }
        }
        let error = DescentError.insufficientMemory(needed: 20_000_000_032, available: 11_200_000_000,
                                                    what: "whitening's 50000 × 50000 matrices",
                                                    remedies: [.withoutWhitening, .method("SVD", bytes: 1_500_000),
                                                               .streamedSource, .fewerColumns(atMost: 15_000),
                                                               .gradientDescent])
        let text = error.description
        for part in ["20.0 GB", "11.2 GB", "whitening's 50000 × 50000", "preconditioning = .none", "SVD method, which needs 1.5 MB",
                     "RowSource", "at most 15000", "GradientDescent"] {
            #expect(text.contains(part), "\(part) in \(text)")
        }
        #expect(formatBytes(.max).contains("overflow") && formatBytes(999) == "999 bytes" && formatBytes(1_234_567) == "1.23 MB")
    }
}
