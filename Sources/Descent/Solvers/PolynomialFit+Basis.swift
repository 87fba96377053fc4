/// The variable a polynomial fit solves in, `t = (x − m)/2ᵉ`, and the exact changes of basis
/// between powers of `t` and powers of `x`.
///
/// `m` is the midpoint of the data's range (a `Double`) and `2ᵉ` a power of two at least half
/// its width, so `t` spans about `[−1, 1]`. Then `t` is exact in double-double for every `x`
/// (`x·2⁻ᵉ − m·2⁻ᵉ` is a sum of two `Double`s, formed by ``DoubleDouble/twoSum(_:_:)``), and the
/// powers of `t` are far better conditioned than those of `x` (Filip: a column-scaled condition
/// number of about 2·10³ instead of 5·10⁹).
///
/// With `x = m + 2ᵉ·t`, the binomial theorem gives the two upper-triangular maps
///
///     x^j = Σᵢ C(j,i)·(m/2ᵉ)^(j−i)·2^(e·j)·tⁱ        (the columns of M)
///     t^j = Σᵢ C(j,i)·(−m/2ᵉ)^(j−i)·2^(−e·i)·xⁱ      (the columns of M⁻¹)
///
/// so the design in `x` is `V_x = V_t·M`, coefficients map as `c = M⁻¹·d` and an `R` factor as
/// `R_x = R_t·M`. Both are built in double-double from `m/2ᵉ` (exact) and powers of two, so
/// nothing overflows in between unless the result itself does.
struct PolynomialFitBasis {
    typealias DD = DoubleDouble
    /// `m`, the centre of the data's range.
    let shift: Double
    /// `e`: the scale is `2ᵉ`.
    let exponent: Int

    /// The basis for data `x` (finite, not empty).
    init(_ x: [Double]) {
        let low = x.min() ?? 0, high = x.max() ?? 0
        shift = low / 2 + high / 2           // halves first: no overflow for data near ±Double.greatestFiniteMagnitude
        let halfWidth = Swift.max(high - shift, shift - low)
        exponent = halfWidth > 0 ? Int(halfWidth.exponent) + 1 : 0
    }

    /// `t = (x − m)/2ᵉ`, exactly (barring underflow of `x·2⁻ᵉ`, negligible against `t`'s own size).
    func t(_ x: Double) -> DD {
        DD.twoSum(Double(sign: .plus, exponent: -exponent, significand: x),
                  Double(sign: .plus, exponent: -exponent, significand: -shift))
    }

    /// `M⁻¹` for degree `k`: `(k+1) × (k+1)` row-major, entry `(i, j)` the coefficient of `xⁱ`
    /// in `t^j`. Maps coefficients in powers of `t` to coefficients in powers of `x`.
    func tToX(degree k: Int) -> [DD] {
        matrix(degree: k, ratio: -Double(sign: .plus, exponent: -exponent, significand: shift)) { i, _ in -exponent * i }
    }

    /// `M` for degree `k`: entry `(i, j)` the coefficient of `tⁱ` in `x^j`.
    func xToT(degree k: Int) -> [DD] {
        matrix(degree: k, ratio: Double(sign: .plus, exponent: -exponent, significand: shift)) { _, j in exponent * j }
    }

    /// Entry `(i, j)`, `i ≤ j`: `C(j,i)·ratio^(j−i)·2^power(i, j)`.
    private func matrix(degree k: Int, ratio: Double, power: (Int, Int) -> Int) -> [DD] {
        let p = k + 1
        // ratio⁰ … ratioᵏ and Pascal's triangle, row by row, in double-double.
        var ratioPowers = [DD.one]
        for _ in 0..<k { ratioPowers.append(ratioPowers[ratioPowers.count - 1] * ratio) }
        var binomial = [DD.one]   // C(j, 0 … j)
        var m = [DD](repeating: .zero, count: p * p)
        for j in 0..<p {
            if j > 0 { binomial = [DD.one] + (1..<j).map { binomial[$0 - 1] + binomial[$0] } + [DD.one] }
            for i in 0...j {
                m[i * p + j] = (binomial[i] * ratioPowers[j - i]).scaled(byPowerOfTwo: power(i, j))
            }
        }
        return m
    }

    /// `M·v` for upper-triangular `M` (`p × p`, row-major) and a vector `v`.
    static func apply(_ m: [DD], to v: [DD]) -> [DD] {
        let p = v.count
        return (0..<p).map { i in
            var s = DD.zero
            for j in i..<p { s += m[i * p + j] * v[j] }
            return s
        }
    }
}
