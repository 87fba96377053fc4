/// A categorical factor's level: text, a number (declared categorical by `C(x)`) or a boolean,
/// named as patsy names it (`str(level)` in Python: `Good`, `2`, `2.5`, `True`).
enum DesignLevel: Hashable, Sendable, Codable {
    case text(String)
    case number(Double, integral: Bool)
    case boolean(Bool)

    /// The level as patsy writes it in a column name.
    var name: String {
        switch self {
        case let .text(text): text
        case let .number(value, integral): integral ? String(Int64(value)) : "\(value)"
        case let .boolean(value): value ? "True" : "False"
        }
    }

    /// Python's order for sorting levels: booleans and numbers by value, text by code points.
    static func precedes(_ a: DesignLevel, _ b: DesignLevel) -> Bool {
        switch (a.numericValue, b.numericValue) {
        case let (x?, y?): return x < y
        case (_?, nil): return true
        case (nil, _?): return false
        case (nil, nil):
            if case let .text(s) = a, case let .text(t) = b {
                return s.unicodeScalars.lexicographicallyPrecedes(t.unicodeScalars)
            }
            return false
        }
    }

    /// The level as a number where Python compares it as one (booleans are 0 and 1).
    var numericValue: Double? {
        switch self {
        case .text: nil
        case let .number(value, _): value
        case let .boolean(value): value ? 1 : 0
        }
    }

    /// Whether the level equals `other` as Python's `==` compares them (`1 == 1.0 == True`).
    func matches(_ other: DesignLevel) -> Bool {
        if let x = numericValue, let y = other.numericValue { return x == y }
        return self == other
    }
}

/// How a categorical factor becomes columns: patsy's `Treatment` (dummies against a reference
/// level, the first sorted level by default) or `Sum` (deviation coding, omitting the last level
/// by default).
enum DesignCoding: Hashable, Sendable, Codable {
    case treatment(reference: DesignLevel?)
    case sum(omit: DesignLevel?)

    /// The coding's matrix for `levels`, one row per level, and each column's suffix; full rank
    /// when the term needs it (patsy's `code_with_intercept`), else one column fewer.
    func contrast(_ levels: [DesignLevel], fullRank: Bool, factor: String) throws(DescentError)
        -> (matrix: [[Double]], suffixes: [String]) {
        let n = levels.count
        switch self {
        case .treatment:
            if fullRank {
                return ((0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }, levels.map { "[\($0.name)]" })
            }
            let r = try droppedLevel(levels, factor: factor)
            let kept = (0..<n).filter { $0 != r }
            return ((0..<n).map { i in kept.map { $0 == i ? 1 : 0 } }, kept.map { "[T.\(levels[$0].name)]" })
        case .sum:
            let o = try droppedLevel(levels, factor: factor)
            let kept = (0..<n).filter { $0 != o }
            var matrix = (0..<n).map { i in kept.map { $0 == i ? 1.0 : 0 } }
            matrix[o] = kept.map { _ in -1 }
            var suffixes = kept.map { "[S.\(levels[$0].name)]" }
            if fullRank {
                matrix = matrix.map { [1] + $0 }
                suffixes = ["[mean]"] + suffixes
            }
            return (matrix, suffixes)
        }
    }

    /// The level the reduced-rank coding leaves out: treatment's reference (the first level by
    /// default), sum's omitted level (the last by default).
    func droppedLevel(_ levels: [DesignLevel], factor: String) throws(DescentError) -> Int {
        switch self {
        case let .treatment(reference?), let .sum(reference?): try Self.index(of: reference, in: levels, factor: factor)
        case .treatment(nil): 0
        case .sum(nil): levels.count - 1
        }
    }

    /// patsy's `_get_level`: the level equal to `level`, or an integer taken as a position.
    static func index(of level: DesignLevel, in levels: [DesignLevel], factor: String) throws(DescentError) -> Int {
        if let i = levels.firstIndex(where: { $0.matches(level) }) { return i }
        if case let .number(value, true) = level {
            let i = Int(value) < 0 ? Int(value) + levels.count : Int(value)
            if levels.indices.contains(i) { return i }
        }
        throw .invalidOption(name: factor, value: "the level \(level.name)",
                             expected: "one of the levels \(levels.map(\.name))")
    }
}

/// A stateful transform's memory of the training data (patsy's `center`, `standardize`,
/// `scale`): the mean and the scale, kept in extended precision as patsy keeps them (`numpy.longdouble`).
struct TransformState: Hashable, Sendable, Codable {
    /// `center`, `standardize` or `scale`.
    var kind: String
    /// The mean (`center` rounds it to `Double` before subtracting, as patsy does).
    var mean: ExtendedValue
    /// `√(M2/(n − ddof))`, or 1 for `center`.
    var scale: ExtendedValue
    /// Whether `standardize` centres and rescales (its `center=` and `rescale=` arguments).
    var centers = true, rescales = true
}

/// A number in extended precision written as two `Double`s, `high + low`, so JSON keeps it exactly.
struct ExtendedValue: Hashable, Sendable, Codable {
    var high: Double
    var low: Double

    init(_ value: Wide) {
        high = Double(value)
        low = Double(value - Wide(high))
    }

    var value: Wide { Wide(high) + Wide(low) }
}

#if arch(x86_64) && !os(Windows)
/// numpy's `longdouble` on this platform: the x87 80-bit format.
typealias Wide = Float80
#else
/// numpy's `longdouble` where Swift has no wider type: `Double` (patsy's transforms may then differ
/// in the last bit).
typealias Wide = Double
#endif

/// One factor of a fitted design: its code, and for a categorical factor its levels and coding;
/// the states of the stateful transforms it calls, in the order it calls them.
struct DesignFactor: Hashable, Sendable, Codable {
    var code: String
    var levels: [DesignLevel]?
    var coding: DesignCoding?
    var transforms: [TransformState] = []

    var isCategorical: Bool { levels != nil }
}
