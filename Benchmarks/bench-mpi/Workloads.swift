import Descent
import DescentMPI

extension Bench {
    /// The fit and the solves (after the distributed entry points land).
    func workloads() {}
}
