import Foundation
import Testing
import Descent

/// Every error survives its JSON form, the way DescentMPI sends a rank's error to the others.
@Suite struct DescentErrorCodingTests {
    static let errors: [DescentError] = [
        .invalidMatrixShape(rows: 2, columns: 3, elementCount: 5),
        .targetCountMismatch(rows: 4, targets: 3),
        .weightCountMismatch(weights: 0, features: 2),
        .noRows, .noFeatures,
        .nonFiniteValue(at: .features(row: 3, column: 1)),
        .nonFiniteValue(at: .targets(index: 7)),
        .nonFiniteValue(at: .targetMatrix(row: 1, column: 2)),
        .nonFiniteValue(at: .model(weight: nil)),
        .nonFiniteValue(at: .model(weight: 4)),
        .nonFiniteValue(at: .multiModel(feature: nil, target: 1)),
        .invalidLearningRate(-0.5), .invalidLearningRate(.infinity),
        .invalidEpochs(0), .invalidBatchSize(-3),
        .invalidOption(name: "ridge", value: "-1", expected: "≥ 0"),
        .unsolvable(method: "QR", reason: "rank deficient", conditionEstimate: 1e17),
        .unsolvable(method: "SVD", reason: "did not converge", conditionEstimate: nil),
        .fileNotReadable(path: "/x", reason: "missing"), .fileNotWritable(path: "/y", reason: "full"),
        .invalidFile(path: "a.npy", format: ".npy", reason: "truncated"),
        .invalidCSV(path: "a.csv", line: 3, column: 2, reason: "not a number"),
        .unknownColumn(name: "z", available: ["x", "y"]),
        .diverged(epoch: 3, update: 2, learningRate: 0.05, hint: "lower it"),
        .ranksDisagree(quantity: "number of feature columns", values: [3, 3, 4]),
        .communicationFailed(reason: "MPI_Bcast: an error"),
        .insufficientMemory(needed: .max, available: 12_000_000_000, what: "the Gram matrix",
                            remedies: [.withoutWhitening, .method("QR", bytes: 1 << 30), .streamedSource,
                                       .fewerColumns(atMost: 12_000), .gradientDescent]),
    ]

    /// JSON with ±∞ and NaN payloads as strings, as DescentMPI sends errors.
    static func roundTrip(_ error: DescentError) throws -> DescentError {
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(DescentError.self, from: encoder.encode(error))
    }

    @Test(arguments: errors)
    func roundTripsThroughJSON(_ error: DescentError) throws {
        #expect(try Self.roundTrip(error) == error)
    }

    /// A NaN payload is not equal to itself; its text survives.
    @Test func nanPayloadRoundTrips() throws {
        let error = DescentError.invalidLearningRate(.nan)
        #expect(try Self.roundTrip(error).description == error.description)
    }

    @Test func distributedMessagesSayWhatToDo() {
        let mismatch = DescentError.ranksDisagree(quantity: "number of feature columns", values: [3, 3, 4])
        #expect(mismatch.description.contains("rank 2: 4"))
        #expect(mismatch.description.contains("same number of feature columns"))
        #expect(DescentError.communicationFailed(reason: "x").description.contains("mpirun"))
    }
}
