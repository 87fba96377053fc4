#if canImport(Glibc)
import Glibc
#endif

extension PiecewiseLinearSolver {
    /// What a fit found: the coefficients (in the shifted coordinates of the design `[1, X − μ]`),
    /// the certificate of their objective, and how the point was reached.
    struct Outcome {
        let beta: [Double]
        let certificate: Certificate
        let iterations: Int
        /// The point is the interpolating vertex (else the interior point's).
        let isVertex: Bool
        /// This part's rows that the vertex interpolates (local indices).
        let basisRows: [Int]
        let totalWeight: Double

        /// `Σwᵢℓ(rᵢ)`.
        var objective: Double { certificate.objective }
        /// `(P − D)/|P|`, or `P − D` when `P = 0`.
        var relativeGap: Double { certificate.relativeGap }
        /// A strict dual certificate on exactly `p` interpolated rows: the optimum is this point alone.
        var isUnique: Bool { isVertex && certificate.margin > PiecewiseLinearSolver.subgradientTolerance && certificate.onKink == 0 }
        /// The relative gap is at most ``PiecewiseLinearSolver/convergedGap`` with a dual point
        /// feasible to rounding (subgradients within the tolerance of their intervals).
        var converged: Bool {
            certificate.margin >= -PiecewiseLinearSolver.subgradientTolerance
                && certificate.relativeGap <= PiecewiseLinearSolver.convergedGap
        }
    }

    /// The relative duality gap under which a fit is reported converged.
    static var convergedGap: Double { 1e-9 }

    /// The rows a vertex interpolates, every part's alike: their features (`d` raw values each),
    /// targets, weights, kinks, and where they live.
    struct Basis {
        var parts: [Int] = [], localRows: [Int] = []
        var features: [Double] = [], targets: [Double] = [], weights: [Double] = [], kinks: [Int] = []
        /// Column-major `p × p` QR factors of `A_B` (rows `aᵢ = (1, xᵢ − μ)`) and `τ`.
        var factors: [Double] = [], tau: [Double] = []
    }

    /// The interior point, then the vertex finish and the certificate.
    func solve() throws(DescentError) -> Outcome {
        let totalWeight = try total([w.reduce(0, +)])[0]
        // Early vertices: accepted only with a certificate of (nearly) rounding size.
        var early: Outcome?
        let iterations = try interiorPoint { (iteration) throws(DescentError) -> Bool in
            let residuals = r.values
            defer { r.assign(residuals) }
            guard let basis = try selectBasis(), let vertex = interpolate(basis) else { return false }
            let certificate = try certify(vertex, basis: basis, interiorG: (0..<n).map(interiorSubgradient), vertex: true)
            guard certificate.margin >= -Self.subgradientTolerance, certificate.relativeGap <= 1e-12 else { return false }
            early = outcome(vertex, basis: basis, certificate: certificate, iterations: iteration, totalWeight: totalWeight)
            return true
        }
        if let early { return early }
        try refreshResiduals(beta)
        let interior = beta
        let interiorG = (0..<n).map(interiorSubgradient)
        let interiorObjective = try total([(0..<n).reduce(0.0) { $0 + w[$1] * loss.value(r[$1]) }])[0]
        guard let basis = try selectBasis() else {
            let gap = try interiorGap()
            return Outcome(beta: interior, certificate: Certificate(objective: interiorObjective, dual: .nan,
                                                                    relativeGap: gap.relative, margin: -.infinity, onKink: 0),
                           iterations: iterations, isVertex: false, basisRows: [], totalWeight: totalWeight)
        }
        if let vertex = interpolate(basis) {
            let certificate = try certify(vertex, basis: basis, interiorG: interiorG, vertex: true)
            if certificate.margin >= -Self.subgradientTolerance,
               certificate.objective <= interiorObjective + 1e-12 * Swift.abs(interiorObjective) {
                return outcome(vertex, basis: basis, certificate: certificate, iterations: iterations, totalWeight: totalWeight)
            }
        }
        let certificate = try certify(interior, basis: basis, interiorG: interiorG, vertex: false)
        return Outcome(beta: interior, certificate: certificate, iterations: iterations, isVertex: false, basisRows: [],
                       totalWeight: totalWeight)
    }

    /// The outcome of a certified vertex.
    func outcome(_ vertex: [Double], basis: Basis, certificate: Certificate, iterations: Int,
                 totalWeight: Double) -> Outcome {
        let localBasis = (0..<basis.parts.count).filter { basis.parts[$0] == rows.collective.rank }.map { basis.localRows[$0] }
        return Outcome(beta: vertex, certificate: certificate, iterations: iterations, isVertex: true, basisRows: localBasis,
                       totalWeight: totalWeight)
    }

    /// The kink nearest `rᵢ` and its distance.
    @inline(__always)
    func nearestKink(_ residual: Double) -> (kink: Int, distance: Double) {
        var best = 0, distance = Double.infinity
        for k in 0..<K where Swift.abs(residual - kinks[k]) < distance {
            best = k
            distance = Swift.abs(residual - kinks[k])
        }
        return (best, distance)
    }

    /// The `p` linearly independent rows (weight > 0) nearest a kink at the current residuals,
    /// chosen from every part's nearest `3p + 30` in the order (distance, part, row), the same on
    /// every part; `nil` when fewer than `p` independent ones are among them.
    func selectBasis() throws(DescentError) -> Basis? {
        // Rows that tie (duplicates, categorical features) can leave the nearest few rank-deficient:
        // more candidates are gathered then, up to every row.
        var perPart = 3 * p + 30
        while true {
            if let basis = try selectBasis(candidates: perPart) { return basis }
            let largest = try -minimum(-Double(n))
            guard perPart < Int(largest) else { return nil }
            perPart *= 4
        }
    }

    /// ``selectBasis()`` from each part's `perPart` rows nearest a kink.
    func selectBasis(candidates perPart: Int) throws(DescentError) -> Basis? {
        let c = rows.collective, d = self.d, p = self.p
        let candidates = Swift.min(n, perPart)
        let distances = r.values.map { nearestKink($0).distance }
        var order = (0..<n).filter { w[$0] > 0 }
        order.sort { distances[$0] != distances[$1] ? distances[$0] < distances[$1] : $0 < $1 }
        let chosen = Array(order.prefix(candidates))
        // One record per candidate: valid, distance, part, row, target, weight, kink, then d features.
        let width = 7 + d
        var records = [Double](repeating: 0, count: c.size * perPart * width)
        var slot = [Int: Int]()
        for (position, i) in chosen.enumerated() { slot[i] = position }
        var next = 0
        try rows.visitChunks { (block) throws(DescentError) in
            defer { next += block.count }
            for i in 0..<block.count {
                let row = next + i
                guard let position = slot[row] else { continue }
                let base = (c.rank * perPart + position) * width
                let near = nearestKink(r[row])
                records[base] = 1
                records[base + 1] = near.distance
                records[base + 2] = Double(c.rank)
                records[base + 3] = Double(row)
                records[base + 4] = y[row]
                records[base + 5] = w[row]
                records[base + 6] = Double(near.kink)
                let x = block.row(i)
                for j in 0..<d { records[base + 7 + j] = Double(x[j]) }
            }
        }
        try rows.sum(&records)
        let valid = (0..<(c.size * perPart)).filter { records[$0 * width] == 1 }
        let sorted = valid.sorted { a, b in
            let (da, db) = (records[a * width + 1], records[b * width + 1])
            return da != db ? da < db : a < b
        }
        // Rows as near a kink as the p-th nearest are chosen by pivoting (the largest part
        // independent of the rows already chosen first), which keeps A_B well conditioned when
        // many rows tie; then the rest in order of distance.
        let cut = sorted.isEmpty ? 0 : records[sorted[Swift.min(p, sorted.count) - 1] * width + 1]
        var pool = sorted.map { record -> (record: Int, tied: Bool, a: [Double], norm: Double) in
            let base = record * width
            let a = design(Array(records[(base + 7)..<(base + 7 + d)]))
            return (record, records[base + 1] <= cut, a, a.reduce(0.0) { $0 + $1 * $1 }.squareRoot())
        }
        var basis = Basis()
        var orthonormal = [[Double]]()
        func accept(_ index: Int) {
            let record = pool[index].record, base = record * width
            basis.parts.append(Int(records[base + 2]))
            basis.localRows.append(Int(records[base + 3]))
            basis.targets.append(records[base + 4])
            basis.weights.append(records[base + 5])
            basis.kinks.append(Int(records[base + 6]))
            basis.features.append(contentsOf: records[(base + 7)..<(base + 7 + d)])
        }
        /// Row `index`'s part independent of the chosen rows, and its length relative to the row's.
        func independent(_ index: Int) -> (residual: [Double], relative: Double) {
            var residual = pool[index].a
            for _ in 0..<2 {
                for q in orthonormal {
                    let dot = zip(q, residual).reduce(0.0) { $0 + $1.0 * $1.1 }
                    for j in 0..<p { residual[j] -= dot * q[j] }
                }
            }
            let length = residual.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            return (residual, pool[index].norm > 0 ? length / pool[index].norm : 0)
        }
        var used = [Bool](repeating: false, count: pool.count)
        while orthonormal.count < p {
            var best = -1, bestRelative = 1e-9, bestResidual = [Double]()
            for index in pool.indices where pool[index].tied && !used[index] {
                let (residual, relative) = independent(index)
                if relative > bestRelative { (best, bestRelative, bestResidual) = (index, relative, residual) }
            }
            guard best >= 0 else { break }
            used[best] = true
            let length = bestResidual.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            orthonormal.append(bestResidual.map { $0 / length })
            accept(best)
        }
        for index in pool.indices where !used[index] && orthonormal.count < p {
            let (residual, relative) = independent(index)
            guard relative > 1e-9 else { continue }
            let length = residual.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            orthonormal.append(residual.map { $0 / length })
            accept(index)
        }
        pool = []
        guard orthonormal.count == p else { return nil }
        // A_B, column-major, factored once for both of its solves.
        var factors = [Double](repeating: 0, count: p * p)
        for b in 0..<p {
            let a = design(Array(basis.features[(b * d)..<(b * d + d)]))
            for j in 0..<p { factors[j * p + b] = a[j] }
        }
        var tau = [Double](repeating: 0, count: p), work = [Double]()
        factors.withUnsafeMutableBufferPointer { f in
            tau.withUnsafeMutableBufferPointer { LAPACK.householderQR(f.baseAddress!, m: p, n: p, lda: p, tau: $0.baseAddress!, work: &work) }
        }
        basis.factors = factors
        basis.tau = tau
        return basis
    }

    /// `aᵢ = (1, xᵢ − μ)` (or `xᵢ` without an intercept) of raw features.
    func design(_ x: [Double]) -> [Double] {
        intercept ? [1] + (0..<d).map { x[$0] - shift[$0] } : x
    }

    /// Solves `A_B·z = b` (or `A_Bᵀ·z = b`) with the basis's QR factors; `nil` if `R` is singular.
    func solve(_ basis: Basis, _ b: [Double], transposed: Bool) -> [Double]? {
        var x = b, work = [Double]()
        let p = self.p
        var ok = true
        basis.factors.withUnsafeBufferPointer { f in
            basis.tau.withUnsafeBufferPointer { tau in
                x.withUnsafeMutableBufferPointer { x in
                    if transposed {
                        ok = LAPACK.triangularSolve(f.baseAddress!, n: p, lda: p, x.baseAddress!, transposed: true)
                        if ok { LAPACK.applyQ(f, m: p, k: p, tau: tau.baseAddress!, x.baseAddress!, transposed: false, work: &work) }
                    } else {
                        LAPACK.applyQ(f, m: p, k: p, tau: tau.baseAddress!, x.baseAddress!, transposed: true, work: &work)
                        ok = LAPACK.triangularSolve(f.baseAddress!, n: p, lda: p, x.baseAddress!)
                    }
                }
            }
        }
        return ok && x.allSatisfy(\.isFinite) ? x : nil
    }

    /// The vertex that interpolates the basis rows at their kinks, `aᵢᵀβ = yᵢ + cₖ`, refined once
    /// with residuals in extended precision from the raw features.
    func interpolate(_ basis: Basis) -> [Double]? {
        typealias E = Double.Accumulator
        let p = self.p, d = self.d
        let rhs = (0..<p).map { basis.targets[$0] + kinks[basis.kinks[$0]] }
        guard var beta = solve(basis, rhs, transposed: false) else { return nil }
        var residual = [Double](repeating: 0, count: p)
        for b in 0..<p {
            var e = E(basis.targets[b]) + E(kinks[basis.kinks[b]])
            let offset = intercept ? 1 : 0
            if intercept { e -= E(beta[0]) }
            for j in 0..<d { e -= (E(basis.features[b * d + j]) - E(shift[j])) * E(beta[j + offset]) }
            residual[b] = Double(e)
        }
        guard let correction = solve(basis, residual, transposed: false) else { return nil }
        for j in 0..<p { beta[j] += correction[j] }
        return beta
    }

    /// The model in the caller's coordinates: `b = β₀ − μᵀw` (extended precision).
    func model(_ beta: [Double]) -> (weights: [Double], bias: Double) {
        guard intercept else { return (beta, 0) }
        var b = Double.Accumulator(beta[0])
        for j in 0..<d { b -= Double.Accumulator(shift[j]) * Double.Accumulator(beta[j + 1]) }
        return (Array(beta[1...]), Double(b))
    }
}
