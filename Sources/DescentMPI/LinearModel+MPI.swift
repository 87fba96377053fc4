import Descent

extension LinearModel {
    /// Saves the model from rank 0 only, and lets every rank know whether it worked.
    ///
    /// After a distributed fit every rank holds the same model, so one writer is enough. The file
    /// appears under its name only when complete (a temporary name, `fsync`, a rename), so a job
    /// that dies while saving leaves the previous file or none, never half of one.
    ///
    /// - Parameters:
    ///   - path: Where rank 0 writes the model's JSON.
    ///   - world: The ranks; every rank must call it.
    /// - Throws: rank 0's `DescentError/fileNotWritable(path:reason:)` on every rank.
    public func save(to path: String, across world: MPICommunicator) throws(DescentError) {
        var failure: DescentError? = nil
        if world.isRoot {
            do { try save(to: path) } catch { failure = error }
        }
        try world.agree(failure)
    }
}
