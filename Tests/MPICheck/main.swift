// The checker of DescentMPI, run by Scripts/test-mpi under mpirun with 1, 2 and 3 ranks:
// every distributed result against the single-process answer on the same rows, the same bits on
// every rank, the fault cases. Rank 0 prints `N passed, N failed` (over all ranks) and the hash of
// every result, which must not change from run to run. Exits non-zero if any check failed.
import Descent
import DescentMPI
#if canImport(Glibc)
import Glibc
#endif

let world: MPICommunicator
do {
    world = try MPICommunicator.world()
} catch {
    print("descent-mpi-check: \(error)")
    exit(2)
}
let checker = Checker(world: world)
checkCollectives(checker)
checkProblems(checker)
checkSolveFaults(checker)
checkFits(checker)
checkFitFaults(checker)
checkPartialFitsAndFloat(checker)
checkSeveralTargetFits(checker)
checkRobustLossFits(checker)
checkSeveralTargetSolves(checker)
checkRobustFits(checker)
checkQuantileRegression(checker)
checkInference(checker)
checkPaths(checker)
checkSparseFits(checker)
checkSparseLSMR(checker)
checkSparseExactSolves(checker)
checkSparseSeveralTargets(checker)

var totals = [checker.passed, checker.failed]
do {
    let all = try world.allGather(totals)
    totals = [all.map { $0[0] }.reduce(0, +), all.map { $0[1] }.reduce(0, +)]
} catch {
    print("[rank \(world.rank)] descent-mpi-check: \(error)")
    exit(2)
}
if world.isRoot {
    print("ranks \(world.size): hash \(String(checker.hash, radix: 16))")
    print("\(totals[0]) passed, \(totals[1]) failed")
}
exit(totals[1] == 0 ? 0 : 1)
