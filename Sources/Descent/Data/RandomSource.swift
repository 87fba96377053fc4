#if canImport(Glibc)
import Glibc
#endif

/// A small, fast, seeded random number generator (xoshiro256**, seeded by SplitMix64).
///
/// The same seed gives the same sequence on every machine, which is what makes shuffled training
/// bit-reproducible. Not for cryptography.
public struct RandomSource: RandomNumberGenerator, Sendable {
    @usableFromInline
    internal var _state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose whole sequence is determined by `seed`.
    @inlinable
    public init(seed: UInt64) {
        var s = seed
        @inline(__always) func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        _state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((_state.1 &* 5) << 7 | (_state.1 &* 5) >> 57) &* 9
        let t = _state.1 << 17
        _state.2 ^= _state.0
        _state.3 ^= _state.1
        _state.1 ^= _state.2
        _state.0 ^= _state.3
        _state.2 ^= t
        _state.3 = (_state.3 << 45) | (_state.3 >> 19)
        return result
    }

    /// A uniform value in `[0, 1)` with the full precision of `T`'s significand (up to 53 bits).
    @inlinable
    public mutating func nextUniform<T: BinaryFloatingPoint>(_: T.Type = T.self) -> T {
        T(next() >> 11) * T(0x1p-53)
    }

    /// The seed Descent uses when none is given (``GradientDescent/defaultSeed``, ``DataSplit``).
    public static var defaultSeed: UInt64 { 0x5EED_DE5C }

    /// Two independent standard normal values, N(0, 1), from two uniform draws (Box–Muller:
    /// `√(−2 ln u₁)·(cos 2πu₂, sin 2πu₂)`).
    @inlinable
    public mutating func nextNormalPair() -> (Double, Double) {
        var u1: Double
        repeat { u1 = nextUniform() } while u1 == 0
        let u2: Double = nextUniform()
        let radius = (-2 * _log(u1)).squareRoot()
        return (radius * _cos(2 * Double.pi * u2), radius * _sin(2 * Double.pi * u2))
    }

    /// A standard normal value, N(0, 1): the first of ``nextNormalPair()`` (the second is
    /// discarded, so that the sequence depends only on the number of calls).
    @inlinable
    public mutating func nextNormal() -> Double {
        nextNormalPair().0
    }

    /// A normal value with standard deviation `sigma`, redrawn until it lies within two standard
    /// deviations of zero (the truncated normal used to initialise weights).
    @inlinable
    public mutating func nextTruncatedNormal(standardDeviation sigma: Double) -> Double {
        var z: Double
        repeat { z = nextNormal() } while Swift.abs(z) > 2
        return z * sigma
    }

    /// Shuffles `values` in place (Fisher–Yates, unbiased); the same seed gives the same order.
    ///
    /// - Complexity: O(count).
    @inlinable
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ values: inout C) {
        var i = values.count
        while i > 1 {
            let j = Int(next(upperBound: UInt64(i)))
            i -= 1
            values.swapAt(values.index(values.startIndex, offsetBy: i), values.index(values.startIndex, offsetBy: j))
        }
    }

    /// The row indices `0..<count` cut at random into parts of the given `sizes` and a last part
    /// holding the rest, each part in increasing order: one shuffle of all indices, the parts
    /// taken from its front in turn.
    ///
    /// - Precondition: the sizes are ≥ 0 and sum to at most `count`.
    mutating func partition(_ count: Int, sizes: [Int]) -> [[Int]] {
        var indices = Array(0..<count)
        shuffle(&indices)
        var parts = [[Int]]()
        var start = 0
        for size in sizes + [count - sizes.reduce(0, +)] {
            parts.append(indices[start..<(start + size)].sorted())
            start += size
        }
        return parts
    }
}

@usableFromInline func _log(_ x: Double) -> Double { Glibc.log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { Glibc.cos(x) }
@usableFromInline func _sin(_ x: Double) -> Double { Glibc.sin(x) }
