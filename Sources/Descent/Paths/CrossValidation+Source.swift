extension CrossValidation {
    /// K-fold cross-validation of a streamed source, folds aligned with its chunks: the source's
    /// chunks (not its rows) are shuffled by the seed and dealt round the folds, so each fold is a
    /// set of whole chunks, every training set is read chunk by chunk as any ``RowSource`` is, and
    /// no row is copied. Candidates that can fit from a source do so (an elastic-net path from one
    /// Gram pass, a ridge grid from one eigendecomposition); each fold's held-out chunks are then
    /// read once to score every candidate.
    ///
    /// ```swift
    /// let stream = try StreamingDataset<Double>(npyFeatures: "X.npy", targets: "y.npy", chunkBytes: 1 << 20)
    /// let cv = try CrossValidation(folds: 5, seed: 1).evaluate(ElasticNet.path(alpha: 1), from: stream)
    /// ```
    ///
    /// Fold sizes follow the chunks': with few chunks the folds are uneven (the standard errors
    /// weigh each fold by its rows, as `cv.glmnet` does). A smaller `chunkBytes` gives more chunks.
    ///
    /// - Parameters:
    ///   - candidates: An elastic-net path or a ridge grid (``CrossValidationCandidates``).
    ///   - source: The rows, one target per row.
    /// - Returns: The errors per fold and candidate, the refit on all rows and every row's fold.
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` when the source has fewer chunks
    ///   than folds (with the remedy), has several targets, or the candidates cannot fit from a
    ///   source; the source's and the candidates' own errors.
    /// - Complexity: `K + 1` fits from the source and one more read of it.
    public func evaluate<Candidates: CrossValidationCandidates, Source: RowSource>(_ candidates: Candidates, from source: Source)
        throws(DescentError) -> CrossValidationResult<Source.Scalar> {
        guard source.targetColumns == 1 else {
            throw .invalidOption(name: "source", value: "\(source.targetColumns) targets per row", expected: "one target per row")
        }
        guard source.chunkCount >= folds else {
            throw .invalidOption(name: "folds", value: "\(folds) folds of a source of \(source.chunkCount) chunks",
                                 expected: "at most one fold per chunk: folds of a stream are whole chunks "
                                     + "(read it in smaller chunks, e.g. StreamingDataset(…, chunkBytes:))")
        }
        let chunkFold = try assignments(rows: source.chunkCount)
        let all = try candidates.fit(from: source, lambdas: nil)
        let lambdas = all.lambdas, loss = candidates.validationLoss
        var errors = [[Double]](repeating: [Double](repeating: 0, count: lambdas.count), count: folds)
        var sizes = [Double](repeating: 0, count: folds)
        for k in 0..<folds {
            let training = ChunkSubset(source, chunks: (0..<source.chunkCount).filter { chunkFold[$0] != k })
            let fit = try candidates.fit(from: training, lambdas: lambdas)
            var sums = [Double](repeating: 0, count: lambdas.count), count = 0
            try source.forEachChunk((0..<source.chunkCount).filter { chunkFold[$0] == k }) { (chunk) throws(DescentError) in
                for i in 0..<chunk.rows.count {
                    let row = chunk.row(i), target = Double(chunk.targets[i])
                    for (l, model) in fit.models.enumerated() {
                        var prediction = Double(model.bias)
                        for j in 0..<chunk.columns { prediction += Double(model.weights[j]) * Double(row[j]) }
                        sums[l] += loss.value(prediction - target)
                    }
                }
                count += chunk.rows.count
            }
            sizes[k] = Double(count)
            errors[k] = sums.map { $0 / Double(Swift.max(count, 1)) }
        }
        var rowFold = [Int](repeating: 0, count: source.rowCount)
        for c in 0..<source.chunkCount { for i in source.chunkRows(c) { rowFold[i] = chunkFold[c] } }
        return CrossValidationResult(lambdas: lambdas, foldErrors: errors, foldSizes: sizes, folds: rowFold, models: all.models)
    }
}

extension CrossValidationCandidates {
    /// Candidates that cannot fit from a source (a gradient-descent configuration, your own):
    /// cross-validate them on matrices in memory.
    public func fit<Source: RowSource>(from source: Source, lambdas: [Double]?)
        throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Source.Scalar>]) {
        throw .invalidOption(name: "candidates", value: "\(Self.self)",
                             expected: "an elastic-net path or a ridge grid to cross-validate a source; "
                                 + "others are cross-validated on matrices in memory")
    }
}

extension ElasticNet.PathCandidates {
    /// The path's `λ` and models from a source (one Gram pass; see ``ElasticNet/path(from:alpha:lambdas:count:minimumRatio:standardize:tolerance:)``).
    public func fit<Source: RowSource>(from source: Source, lambdas given: [Double]?)
        throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Source.Scalar>]) {
        let path = try ElasticNet.path(from: source, alpha: alpha, lambdas: given ?? lambdas, count: count,
                                       minimumRatio: minimumRatio, standardize: standardize)
        return (path.lambdas, path.models)
    }
}

extension RidgeRegression.GridCandidates {
    /// The ridge fits at every `λ` from a source (one Gram pass and eigendecomposition).
    public func fit<Source: RowSource>(from source: Source, lambdas given: [Double]?)
        throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Source.Scalar>]) {
        let grid = given ?? lambdas
        guard !grid.isEmpty, grid.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .invalidOption(name: "lambdas", value: "\(grid)", expected: "at least one λ, each finite and > 0")
        }
        let spectrum = try RidgeSpectrum(CentredMoments(SolverRows(source, collective: LocalCollective())))
        return (grid, grid.map { spectrum.model($0) })
    }
}

/// Some chunks of a source, as a source of their own: rows renumbered from 0 in the chunks' order.
struct ChunkSubset<Base: RowSource>: RowSource {
    typealias Scalar = Base.Scalar
    let base: Base
    let chunks: [Int]
    /// The first row of each chunk of the subset.
    let starts: [Int]

    init(_ base: Base, chunks: [Int]) {
        self.base = base
        self.chunks = chunks
        var starts = [Int](), total = 0
        for c in chunks {
            starts.append(total)
            total += base.chunkRows(c).count
        }
        self.starts = starts + [total]
    }

    var rowCount: Int { starts.last ?? 0 }
    var columns: Int { base.columns }
    var featureNames: [String] { base.featureNames }
    var targetColumns: Int { base.targetColumns }
    var chunkCount: Int { chunks.count }
    func chunkRows(_ index: Int) -> Range<Int> { starts[index]..<starts[index + 1] }

    func forEachChunk(_ order: [Int], _ body: (RowChunk<Scalar>) throws(DescentError) -> Void) throws(DescentError) {
        var subsetIndex = [Int: Int]()
        for (k, c) in chunks.enumerated() { subsetIndex[c] = k }
        try base.forEachChunk(order.map { chunks[$0] }) { (chunk) throws(DescentError) in
            let k = subsetIndex[chunk.index]!
            try body(RowChunk(index: k, rows: chunkRows(k), columns: chunk.columns, features: chunk.features,
                              targets: chunk.targets, targetColumns: chunk.targetColumns))
        }
    }
}
