import Testing
import Descent

/// The two precisions, and the one way a check runs in both.
///
/// A check is written once, generic over the scalar, and its test takes a `Precision` argument:
///
///     @Test("…", arguments: Precision.allCases)
///     func something(_ precision: Precision) throws { try check(precision.scalar) }
///
///     func check<S: BLASScalar>(_: S.Type) throws { … }
///
/// `precision.scalar` is an existential metatype (`any BLASScalar.Type`); passing it where a
/// generic `S.Type` is expected opens it (SE-0352), so the generic check runs with `S` bound to
/// `Float` or `Double`, and each precision is a test case of its own in the report.
/// Tolerances inside a check are in units of `S` (``BLASScalar/ulps(_:)``), never chosen by
/// asking which type `S` is.
enum Precision: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case float32, float64

    /// `Float.self` or `Double.self`.
    var scalar: any BLASScalar.Type {
        switch self {
        case .float32: Float.self
        case .float64: Double.self
        }
    }

    var testDescription: String { rawValue }
}

extension BLASScalar {
    /// A tolerance of `k` units in the last place of this type (`k · ulpOfOne`), as a `Double`.
    static func ulps(_ k: Double) -> Double { k * Double(ulpOfOne) }
}
