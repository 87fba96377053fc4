// bench-mpi: what a distributed fit and solve cost on this machine, run by Scripts/bench-mpi under
// mpirun with 1 and 2 ranks. Each rank holds about rows/size rows of an n × d problem; rank 0
// prints the wall time of one batch epoch and of each exact solve, the part of it spent inside the
// collective calls (communicating, or waiting for the slower rank), and the bare collectives.
// Usage: mpirun -n RANKS bench-mpi [--rows N] [--columns D] [--epochs E] [--json]
import Descent
import DescentMPI
#if canImport(Glibc)
import Glibc
#endif

do {
    var bench = Bench(world: try MPICommunicator.world())
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let argument = arguments.next() {
        switch argument {
        case "--rows": bench.rows = Int(arguments.next() ?? "") ?? bench.rows
        case "--columns": bench.columns = Int(arguments.next() ?? "") ?? bench.columns
        case "--epochs": bench.epochs = Int(arguments.next() ?? "") ?? bench.epochs
        case "--json": bench.json = true
        default:
            print("usage: mpirun -n RANKS bench-mpi [--rows N] [--columns D] [--epochs E] [--json]")
            exit(argument == "--help" ? 0 : 2)
        }
    }
    bench.header()
    bench.collectives()
    bench.workloads()
} catch {
    print("bench-mpi: \(error)")
    exit(2)
}
