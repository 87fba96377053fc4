#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A model as a JSON document: a format name and version, the precision, the weights and bias
/// (numbers written so that they read back to the same bits), the feature names when known, and
/// the training state, so that training can continue after a reload exactly as if it had never
/// stopped; when known, what prediction intervals need (``ModelInference``, the optional
/// `inference` key), and for a model fitted on a formula its design (the formula, each
/// categorical's levels and coding, the transforms' statistics, the optional `design` key), so
/// that it predicts raw rows. Both keys are new in version 2: a model with neither is written as
/// version 1, which older builds read; version 1 files are read as before.
///
/// ```json
/// {"format": "descent.linear-model", "version": 2, "precision": "float64",
///  "featureNames": ["x1", "x2"], "weights": [1, -2], "bias": 0, "trainingState": {…},
///  "inference": {…}, "design": {"formula": "y ~ x1 + x2", "factors": […]}}
/// ```
extension LinearModel: Codable {
    /// The `format` field of a saved model.
    public static var fileFormat: String { "descent.linear-model" }
    /// The newest format version this build writes (it also reads version 1).
    public static var fileVersion: Int { 2 }
    /// The format versions this build reads.
    static var readableVersions: ClosedRange<Int> { 1...2 }

    enum CodingKeys: String, CodingKey {
        case format, version, precision, featureNames, weights, bias, trainingState, inference, design
    }

    /// Encodes the model; see the type's documentation for the layout.
    ///
    /// - Parameter encoder: The encoder.
    /// - Throws: `EncodingError` for a non-finite weight or bias (JSON has no NaN or ∞).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.fileFormat, forKey: .format)
        try container.encode(inference == nil && design == nil ? 1 : Self.fileVersion, forKey: .version)
        try container.encode(Scalar.precisionName, forKey: .precision)
        try container.encodeIfPresent(featureNames, forKey: .featureNames)
        try container.encode(weights, forKey: .weights)
        try container.encode(bias, forKey: .bias)
        try container.encodeIfPresent(trainingState, forKey: .trainingState)
        try container.encodeIfPresent(inference, forKey: .inference)
        try container.encodeIfPresent(design, forKey: .design)
    }

    /// Decodes a model, refusing another format, version or precision, and inconsistent widths.
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError.dataCorrupted` whose description says what the document holds.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func refuse(_ reason: String) -> DecodingError {
            .dataCorruptedError(forKey: .format, in: container, debugDescription: reason)
        }
        let format = try container.decode(String.self, forKey: .format)
        guard format == Self.fileFormat else {
            throw refuse("it is a '\(format)' document, not a Descent linear model"
                         + (format == MultiLinearModel<Scalar>.fileFormat ? " (load it as MultiLinearModel)" : ""))
        }
        let version = try container.decode(Int.self, forKey: .version)
        guard Self.readableVersions.contains(version) else {
            throw refuse("it holds format version \(version); this build of Descent reads versions 1 and \(Self.fileVersion)")
        }
        let precision = try container.decode(String.self, forKey: .precision)
        guard precision == Scalar.precisionName else {
            throw refuse("it holds a \(precision) model; load it as LinearModel<\(precision == "float32" ? "Float" : "Double")>")
        }
        self.init(weights: try container.decode([Scalar].self, forKey: .weights),
                  bias: try container.decode(Scalar.self, forKey: .bias))
        featureNames = try container.decodeIfPresent([String].self, forKey: .featureNames)
        if let names = featureNames, names.count != weights.count {
            throw refuse("it has \(weights.count) weights but \(names.count) feature names")
        }
        trainingState = try container.decodeIfPresent(TrainingState<Scalar>.self, forKey: .trainingState)
        if version > 1 { inference = try container.decodeIfPresent(ModelInference.self, forKey: .inference) }
        if let inference, !inference.isConsistent || inference.features != weights.count {
            throw refuse("its inference does not fit a model of \(weights.count) weights")
        }
        design = try container.decodeIfPresent(Design.self, forKey: .design)
        if let design, design.featureNames.count != weights.count {
            throw refuse("its design has \(design.featureNames.count) columns for a model of \(weights.count) weights")
        }
        if let state = trainingState {
            for buffer in [state.firstMoment, state.secondMoment, state.iterate] where !buffer.isEmpty && buffer.count != weights.count + 1 {
                throw refuse("its training state has buffers of \(buffer.count) values for a model of \(weights.count) weights")
            }
        }
    }

    /// Saves the model as JSON (see ``LinearModel``'s `Codable` layout). The file appears under its
    /// name only when completely written.
    ///
    /// - Parameter path: The file's path; an existing file is replaced.
    /// - Throws: ``DescentError/nonFiniteValue(at:)`` for a NaN or ±∞ weight or bias, and
    ///   ``DescentError/fileNotWritable(path:reason:)``.
    public func save(to path: String) throws(DescentError) {
        try checkFinite()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(self) } catch {
            throw .fileNotWritable(path: path, reason: "the model could not be encoded (\(error))")
        }
        try FileIO.write(Array(data), to: path)
    }

    /// Saves the model as JSON; see ``save(to:)-(String)``.
    ///
    /// - Parameter url: The file's URL.
    /// - Throws: as ``save(to:)-(String)``.
    public func save(to url: URL) throws(DescentError) {
        try save(to: url.path)
    }

    /// Loads a model saved by ``save(to:)-(String)``, with its training state.
    ///
    /// - Parameters:
    ///   - path: The file's path.
    ///   - features: The number of features the model must have, if the caller knows it.
    /// - Throws: ``DescentError/fileNotReadable(path:reason:)``, and
    ///   ``DescentError/invalidFile(path:format:reason:)`` for a file that is not a Descent model,
    ///   or holds another format version, another precision, or a model of another width.
    public init(contentsOf path: String, features: Int? = nil) throws(DescentError) {
        let bytes = try FileIO.readAll(path)
        do {
            self = try JSONDecoder().decode(LinearModel.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw .invalidFile(path: path, format: "Descent model (JSON)", reason: Self.describe(error))
        } catch {
            throw .invalidFile(path: path, format: "Descent model (JSON)", reason: "\(error)")
        }
        if let features, features != weights.count {
            throw .invalidFile(path: path, format: "Descent model (JSON)",
                               reason: "it holds a model of \(weights.count) features; \(features) were expected")
        }
    }

    /// Loads a model saved by ``save(to:)-(String)``; see ``init(contentsOf:features:)-(String,_)``.
    ///
    /// - Parameters:
    ///   - url: The file's URL.
    ///   - features: The number of features the model must have, if the caller knows it.
    /// - Throws: as ``init(contentsOf:features:)-(String,_)``.
    public init(contentsOf url: URL, features: Int? = nil) throws(DescentError) {
        try self.init(contentsOf: url.path, features: features)
    }

    /// A decoding error in words: what is wrong and where.
    static func describe(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "" : " (at \(path))"
        }
        switch error {
        case let .dataCorrupted(context): return context.debugDescription + (context.codingPath.count > 1 ? at(context) : "")
        case let .keyNotFound(key, context): return "the field '\(key.stringValue)' is missing" + at(context)
        case let .typeMismatch(_, context), let .valueNotFound(_, context): return context.debugDescription + at(context)
        @unknown default: return "\(error)"
        }
    }
}
