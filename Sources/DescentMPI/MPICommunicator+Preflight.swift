#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Descent

/// The agreement every distributed fit and solve starts with, before any step whose message
/// size depends on the data's shape: every rank learns every rank's shape, and all throw the same
/// error or all go on. Without it, a rank with other columns would send vectors of another length
/// and the others would wait for it forever.
extension MPICommunicator {
    /// What one rank holds, as far as the others must know before they exchange anything.
    struct LocalShape {
        /// The feature columns (the same on every rank).
        var columns: Int
        /// The rows (any number, 0 allowed).
        var rows: Int
        /// The model's weights, or `nil` for an empty model (it takes the data's width).
        var modelWeights: Int?
    }

    /// Every rank passes its own shape, or the error its own checks found; every rank throws the
    /// lowest rank's error, or `DescentError/ranksDisagree(quantity:values:)` when the column or
    /// weight counts differ, or `DescentError/noRows` when no rank has rows; otherwise returns on
    /// every rank.
    ///
    /// - Parameter local: This rank's shape, or the error its own checks threw.
    /// - Throws: the same `DescentError` on every rank.
    /// - Complexity: Two small collective steps (O(log size) messages of a few integers each).
    func agreeOnShape(_ local: Result<LocalShape, DescentError>) throws(DescentError) {
        switch local {
        case let .failure(error): try agree(error)
        case .success: try agree(nil)
        }
        guard case let .success(shape) = local else { return }
        let all = try allGather([shape.columns, shape.rows, shape.modelWeights ?? -1])
        let columns = all.map { $0[0] }
        guard columns.allSatisfy({ $0 == columns[0] }) else {
            throw .ranksDisagree(quantity: "number of feature columns", values: columns)
        }
        let weights = all.map { $0[2] }
        guard weights.allSatisfy({ $0 == weights[0] }) else {
            throw .ranksDisagree(quantity: "number of the model's weights (-1: an empty model)", values: weights)
        }
        guard all.contains(where: { $0[1] > 0 }) else { throw .noRows }
    }

    /// Makes `model` the same on every rank: rank 0's, if any rank's differs (a model loaded from a
    /// file on rank 0 only, say). Costs one gather of a hash when they are already the same.
    ///
    /// - Parameter model: This rank's model; on return, rank 0's.
    /// - Throws: the same `DescentError` on every rank if a model cannot be encoded or decoded.
    func sameModelEverywhere<Model: Codable>(_ model: inout Model) throws(DescentError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes: [UInt8] = []
        var localError: DescentError? = nil
        do { bytes = [UInt8](try encoder.encode(model)) } catch {
            localError = .communicationFailed(reason: "cannot encode the model to compare it across ranks: \(error)")
        }
        try agree(localError)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hashes = try allGather([Int(Int64(bitPattern: hash))])
        guard !hashes.allSatisfy({ $0 == hashes[0] }) else { return }
        try broadcastBytes(&bytes, root: 0)
        if rank != 0 {
            do { model = try JSONDecoder().decode(Model.self, from: Data(bytes)) } catch {
                localError = .communicationFailed(reason: "cannot decode rank 0's model: \(error)")
            }
        }
        try agree(localError)
    }
}

extension MPICommunicator {
    /// This rank's rows as a `Dataset`; every rank throws if any rank's rows and targets do not match.
    func localDataset<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar]) throws(DescentError)
        -> Dataset<Scalar> {
        do {
            return try Dataset(features: features, targets: targets)
        } catch {
            try agreeOnShape(.failure(error))
            fatalError("unreachable: agreeOnShape throws the local error")
        }
    }

    /// This rank's sparse rows as a `SparseDataset`; every rank throws if any rank's rows and
    /// targets do not match.
    func localSparseDataset<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: [Scalar])
        throws(DescentError) -> SparseDataset<Scalar> {
        var local: SparseDataset<Scalar>?
        var failure: DescentError?
        do { local = try SparseDataset(features: features, targets: targets) } catch { failure = error }
        try agree(failure)
        return local!
    }

    /// The agreement before a distributed fit: shapes (and no rank's construction error), then
    /// the starting model.
    func prepare<Source: RowSource>(_ model: inout LinearModel<Source.Scalar>, _ source: Source) throws(DescentError) {
        try agreeOnShape(.success(LocalShape(columns: source.columns, rows: source.rowCount,
                                             modelWeights: model.weights.isEmpty ? nil : model.weights.count)))
        try sameModelEverywhere(&model)
    }

    /// The same for a model of several targets (every rank's source must serve as many targets).
    func prepare<Source: RowSource>(_ model: inout MultiLinearModel<Source.Scalar>, _ source: Source) throws(DescentError) {
        let parameters = model.weights.rows * model.weights.columns + model.biases.count
        try agreeOnTargets(source, modelWeights: parameters == 0 ? nil : parameters)
        try sameModelEverywhere(&model)
    }

    /// The agreement before a distributed fit or solve of several targets: shapes (with the
    /// model's parameters, if any), then the number of targets per row.
    ///
    /// - Throws: as ``agreeOnShape(_:)``, and `DescentError/ranksDisagree(quantity:values:)` when
    ///   the ranks' sources serve different numbers of targets.
    func agreeOnTargets<Source: RowSource>(_ source: Source, modelWeights: Int? = nil) throws(DescentError) {
        try agreeOnShape(.success(LocalShape(columns: source.columns, rows: source.rowCount, modelWeights: modelWeights)))
        let counts = try allGather([source.targetColumns])
        guard counts.allSatisfy({ $0 == counts[0] }) else {
            throw .ranksDisagree(quantity: "number of targets", values: counts.map { $0[0] })
        }
    }

    /// This rank's rows of several targets; every rank throws if any rank's do not match.
    func localRows<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: Matrix<Scalar>) throws(DescentError)
        -> MatrixRows<Scalar> {
        do {
            return try MatrixRows(features: features, targets: targets)
        } catch {
            try agreeOnShape(.failure(error))
            fatalError("unreachable: agreeOnShape throws the local error")
        }
    }
}
