import ArgumentParser
import Descent

/// A sparse file's format.
enum SparseFormat: String, ExpressibleByArgument, CaseIterable {
    /// LIBSVM/svmlight text: `label index:value …`.
    case libsvm
    /// Vowpal Wabbit text: `label [importance] [tag]|namespace feature[:value] …`, hashed.
    case vw
    /// scipy's `save_npz` CSR file (features only).
    case npz

    /// The format an extension names, if any.
    init?(extensionOf path: String) {
        let lower = path.lowercased()
        if [".svm", ".libsvm", ".svmlight"].contains(where: lower.hasSuffix) { self = .libsvm }
        else if lower.hasSuffix(".vw") { self = .vw }
        else if lower.hasSuffix(".npz") { self = .npz }
        else { return nil }
    }
}

/// How a sparse data file is read: its format (`--format`, else its extension), the hashing of a
/// Vowpal Wabbit file, a LIBSVM file's index base, and the chunks it is streamed in.
struct SparseFormatOptions: ParsableArguments {
    @Option(help: "The data file's sparse format: libsvm, vw (Vowpal Wabbit) or npz (scipy.sparse.save_npz); default: from its extension (.svm, .libsvm, .svmlight; .vw; .npz).")
    var format: SparseFormat?

    @Option(help: ArgumentHelp("Vowpal Wabbit files: hash the features into 2^b columns, b in 1…30 (default 18; predict: the model's width).", valueName: "b"))
    var hashBits: Int?

    @Option(help: "LIBSVM files: the index of the first column, 0 or 1 (default: detected, 0 when any index is 0).")
    var indexBase: Int?

    @Option(help: "LIBSVM and Vowpal Wabbit files are streamed in chunks of this many rows (default 16384).")
    var chunkRows: Int?

    func validate() throws {
        if let hashBits, !(1...30).contains(hashBits) { throw ValidationError("--hash-bits must be 1 through 30, not \(hashBits)") }
        if let indexBase, indexBase != 0, indexBase != 1 { throw ValidationError("--index-base must be 0 or 1, not \(indexBase)") }
        if let chunkRows, chunkRows < 1 { throw ValidationError("--chunk-rows must be at least 1, not \(chunkRows)") }
    }

    /// The sparse format of `path`: `--format`, else its extension; `nil` for another file.
    func format(of path: String) -> SparseFormat? { format ?? SparseFormat(extensionOf: path) }

    /// A LIBSVM or Vowpal Wabbit file as a stream (`columns` declared for LIBSVM when known;
    /// `bits` for VW).
    func stream(_ path: String, _ format: SparseFormat, columns: Int? = nil, bits: Int? = nil)
        throws(DescentError) -> SparseStreamingDataset<Double> {
        let rows = chunkRows ?? SparseStreamingDataset<Double>.defaultChunkRows
        switch format {
        case .libsvm:
            let stream = try SparseStreamingDataset<Double>(libsvmFile: path, columns: columns, zeroBased: indexBase.map { $0 == 0 },
                                                            chunkRows: rows)
            if indexBase == nil, stream.zeroBased == false, stream.rowCount > 0 {
                note("note: \(path) has no index 0, so its indices are read as one-based (index 1 is the first column); "
                     + "pass --index-base 0 if they start at 0")
            }
            return stream
        case .vw:
            return try SparseStreamingDataset(vwFile: path, bits: bits ?? hashBits ?? 18, chunkRows: rows)
        case .npz:
            preconditionFailure("an .npz file is read whole, not streamed")
        }
    }
}
