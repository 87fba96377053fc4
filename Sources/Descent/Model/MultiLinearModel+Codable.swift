#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A multi-target model as a JSON document, laid out as ``LinearModel``'s with its own format
/// name: the weights row by row (one row per feature, one entry per target), the biases, the
/// feature and target names when known, the training state, and for a model fitted on a formula
/// (`y1 + y2 ~ …`) its ``Design``. Version 2 added the optional `design` (a model without one is
/// written as version 1, which older builds read); version 1 files are
/// still read.
///
/// ```json
/// {"format": "descent.multi-linear-model", "version": 2, "precision": "float64",
///  "featureNames": ["x1", "x2"], "targetNames": ["y1", "y2", "y3"],
///  "weights": [[1, 0, 2], [-2, 1, 0]], "biases": [0, 1, 0.5], "trainingState": {…}}
/// ```
extension MultiLinearModel: Codable {
    /// The `format` field of a saved multi-target model.
    public static var fileFormat: String { "descent.multi-linear-model" }
    /// The newest format version this build writes (for a model with a design; it reads versions 1 and 2).
    public static var fileVersion: Int { 2 }

    enum CodingKeys: String, CodingKey {
        case format, version, precision, featureNames, targetNames, weights, biases, trainingState, design
    }

    /// Encodes the model; see the type's documentation for the layout.
    ///
    /// - Parameter encoder: The encoder.
    /// - Throws: `EncodingError` for a non-finite weight or bias (JSON has no NaN or ∞).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.fileFormat, forKey: .format)
        try container.encode(design == nil ? 1 : Self.fileVersion, forKey: .version)   // version 1 unless it has a design
        try container.encode(Scalar.precisionName, forKey: .precision)
        try container.encodeIfPresent(featureNames, forKey: .featureNames)
        try container.encodeIfPresent(targetNames, forKey: .targetNames)
        try container.encode((0..<weights.rows).map { weights.row($0) }, forKey: .weights)
        try container.encode(biases, forKey: .biases)
        try container.encodeIfPresent(trainingState, forKey: .trainingState)
        try container.encodeIfPresent(design, forKey: .design)
    }

    /// Decodes a model, refusing another format, version or precision, and inconsistent shapes.
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
            throw refuse("it is a '\(format)' document, not a Descent multi-target linear model"
                         + (format == LinearModel<Scalar>.fileFormat ? " (load it as LinearModel)" : ""))
        }
        let version = try container.decode(Int.self, forKey: .version)
        guard LinearModel<Scalar>.readableVersions.contains(version) else {
            throw refuse("it holds format version \(version); this build of Descent reads versions 1 and \(Self.fileVersion)")
        }
        let precision = try container.decode(String.self, forKey: .precision)
        guard precision == Scalar.precisionName else {
            throw refuse("it holds a \(precision) model; load it as MultiLinearModel<\(precision == "float32" ? "Float" : "Double")>")
        }
        let rows = try container.decode([[Scalar]].self, forKey: .weights)
        let biases = try container.decode([Scalar].self, forKey: .biases)
        let k = biases.count
        if let row = rows.firstIndex(where: { $0.count != k }) {
            throw refuse("its weight row \(row) has \(rows[row].count) entries for \(k) biases (one per target)")
        }
        self.init(weights: Matrix(rows: rows.count, columns: k, validElements: rows.flatMap { $0 }), biases: biases,
                  unchecked: ())
        featureNames = try container.decodeIfPresent([String].self, forKey: .featureNames)
        if let names = featureNames, names.count != rows.count {
            throw refuse("it has \(rows.count) weight rows but \(names.count) feature names")
        }
        targetNames = try container.decodeIfPresent([String].self, forKey: .targetNames)
        if let names = targetNames, names.count != k {
            throw refuse("it has \(k) targets but \(names.count) target names")
        }
        trainingState = try container.decodeIfPresent(TrainingState<Scalar>.self, forKey: .trainingState)
        design = try container.decodeIfPresent(Design.self, forKey: .design)
        if let design, design.featureNames.count != weights.rows {
            throw refuse("its design has \(design.featureNames.count) columns for a model of \(weights.rows) features")
        }
        if let state = trainingState {
            let parameters = (rows.count + 1) * k
            for buffer in [state.firstMoment, state.secondMoment, state.iterate] where !buffer.isEmpty && buffer.count != parameters {
                throw refuse("its training state has buffers of \(buffer.count) values for a model of \(parameters) parameters")
            }
        }
    }

    /// Saves the model as JSON (see ``MultiLinearModel``'s `Codable` layout). The file appears
    /// under its name only when completely written.
    ///
    /// - Parameter path: The file's path; an existing file is replaced.
    /// - Throws: ``DescentError/nonFiniteValue(at:)`` for a NaN or ±∞ weight or bias,
    ///   ``DescentError/invalidOption(name:value:expected:)`` for biases that do not match the
    ///   weights, and ``DescentError/fileNotWritable(path:reason:)``.
    public func save(to path: String) throws(DescentError) {
        try checkShape()
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
    ///   - targets: The number of targets the model must have, if the caller knows it.
    /// - Throws: ``DescentError/fileNotReadable(path:reason:)``, and
    ///   ``DescentError/invalidFile(path:format:reason:)`` for a file that is not a Descent
    ///   multi-target model, or holds another format version, another precision, or a model of
    ///   another shape.
    public init(contentsOf path: String, features: Int? = nil, targets: Int? = nil) throws(DescentError) {
        let format = "Descent multi-target model (JSON)"
        let bytes = try FileIO.readAll(path)
        do {
            self = try JSONDecoder().decode(MultiLinearModel.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw .invalidFile(path: path, format: format, reason: LinearModel<Scalar>.describe(error))
        } catch {
            throw .invalidFile(path: path, format: format, reason: "\(error)")
        }
        if let features, features != featureCount {
            throw .invalidFile(path: path, format: format,
                               reason: "it holds a model of \(featureCount) features; \(features) were expected")
        }
        if let targets, targets != targetCount {
            throw .invalidFile(path: path, format: format,
                               reason: "it holds a model of \(targetCount) targets; \(targets) were expected")
        }
    }

    /// Loads a model saved by ``save(to:)-(String)``; see ``init(contentsOf:features:targets:)-(String,_,_)``.
    ///
    /// - Parameters:
    ///   - url: The file's URL.
    ///   - features: The number of features the model must have, if the caller knows it.
    ///   - targets: The number of targets the model must have, if the caller knows it.
    /// - Throws: as ``init(contentsOf:features:targets:)-(String,_,_)``.
    public init(contentsOf url: URL, features: Int? = nil, targets: Int? = nil) throws(DescentError) {
        try self.init(contentsOf: url.path, features: features, targets: targets)
    }
}
