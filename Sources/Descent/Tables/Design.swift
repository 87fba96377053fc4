/// What a formula learnt from the table it was first applied to — each categorical factor's
/// levels and coding, each stateful transform's statistics — so that the same columns can be
/// rebuilt from any table of raw rows: the design saved with a model
/// (``LinearModel/design``) and used by ``LinearModel/predict(table:unseenLevels:)``.
///
/// The columns follow patsy's rules exactly: terms are grouped by the numeric factors they
/// hold (the group without numeric factors first), ordered by degree within a group, and each
/// categorical factor is coded full-rank or reduced-rank so that the design is full rank by
/// construction (patsy's "redundancy" rule); column names are patsy's (`C(cut)[T.Good]`,
/// `x1:x2`, `C(g, Sum)[S.a]`).
public struct Design: Sendable, Hashable, Codable {
    /// The formula as written.
    public let formula: String
    /// The factors, by code.
    let factors: [DesignFactor]

    /// The feature columns' names, patsy's, without `Intercept` (the model's bias is the intercept).
    public var featureNames: [String] { layout.names }
    /// The targets' names (the left side's terms).
    public var targetNames: [String] { terms.targets.map { $0.factors.joined(separator: ":") } }
    /// Whether the formula has an intercept (no `- 1` or `+ 0`).
    public var hasIntercept: Bool { terms.hasIntercept }

    /// The formula's terms.
    let terms: FormulaTerms
    /// The feature columns.
    let layout: Layout

    enum CodingKeys: String, CodingKey { case formula, factors }

    /// A design from what it learnt: checks the columns' layout can be built.
    init(formula: String, factors: [DesignFactor]) throws(DescentError) {
        self.formula = formula
        self.factors = factors
        terms = try FormulaTerms(formula)
        layout = try Layout(terms: terms, factors: factors)
    }

    /// Decodes a design; see ``LinearModel``'s JSON.
    ///
    /// - Throws: `DecodingError.dataCorrupted` for a design whose formula or factors disagree.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let formula = try container.decode(String.self, forKey: .formula)
        let factors = try container.decode([DesignFactor].self, forKey: .factors)
        do {
            try self.init(formula: formula, factors: factors)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .formula, in: container, debugDescription: error.description)
        }
    }

    /// Encodes the formula and the factors' levels, codings and transforms' statistics.
    ///
    /// - Parameter encoder: The encoder.
    /// - Throws: what the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(formula, forKey: .formula)
        try container.encode(factors, forKey: .factors)
    }

    /// Two designs are equal when their formulas and factors are.
    public static func == (lhs: Design, rhs: Design) -> Bool { lhs.formula == rhs.formula && lhs.factors == rhs.factors }
    /// Hashes the formula and factors.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(formula)
        hasher.combine(factors)
    }

    /// Whether the columns span a constant though the formula has no intercept: a subterm of
    /// categorical factors all coded full rank (`0 + g`), whose columns sum to one.
    var impliesConstant: Bool {
        layout.subterms.contains { parts in parts.allSatisfy { $0.fullRank == true } }
    }

    /// The factor of code `code`.
    func factor(_ code: String) -> DesignFactor? { factors.first { $0.code == code } }

    /// patsy's column layout: terms grouped and ordered, each split into subterms with a coding per
    /// categorical factor.
    struct Layout: Hashable, Sendable {
        /// One factor of a subterm: its code, and for a categorical factor whether it is coded full rank.
        struct Part: Hashable, Sendable {
            var code: String
            var fullRank: Bool?
        }
        /// The subterms in column order (the intercept's empty subterm left out).
        var subterms: [[Part]]
        /// The columns' names.
        var names: [String]

        init(terms: FormulaTerms, factors: [DesignFactor]) throws(DescentError) {
            func info(_ code: String) throws(DescentError) -> DesignFactor {
                guard let factor = factors.first(where: { $0.code == code }) else {
                    throw .invalidOption(name: "Design", value: code, expected: "a factor the design knows")
                }
                return factor
            }
            // Buckets by the set of numeric factors, the bucket without any first.
            var buckets = [(Set<String>, [FormulaTerms.Term])]()
            for term in terms.terms {
                var numeric = Set<String>()
                for code in term.factors where try !info(code).isCategorical { numeric.insert(code) }
                if let k = buckets.firstIndex(where: { $0.0 == numeric }) {
                    buckets[k].1.append(term)
                } else {
                    buckets.append((numeric, [term]))
                }
            }
            if let k = buckets.firstIndex(where: { $0.0.isEmpty }), k > 0 { buckets.insert(buckets.remove(at: k), at: 0) }
            var subterms = [[Part]]()
            var names = [String]()
            for (_, bucketTerms) in buckets {
                // A stable sort by degree.
                let ordered = bucketTerms.enumerated().sorted {
                    ($0.element.factors.count, $0.offset) < ($1.element.factors.count, $1.offset)
                }.map(\.element)
                var used = Set<Set<String>>()
                for term in ordered {
                    var categorical = [String]()
                    for code in term.factors where try info(code).isCategorical { categorical.append(code) }
                    for coding in Self.pickContrasts(categorical, used: &used) {
                        var parts = [Part]()
                        for code in term.factors {
                            if try !info(code).isCategorical {
                                parts.append(Part(code: code, fullRank: nil))
                            } else if let full = coding[code] {
                                parts.append(Part(code: code, fullRank: full))
                            }
                        }
                        if parts.isEmpty { continue }   // the intercept: the model's bias
                        subterms.append(parts)
                        names += try Self.names(parts, factors: factors)
                    }
                }
            }
            self.subterms = subterms
            self.names = names
        }

        /// patsy's `pick_contrasts_for_term`: the subterms a term adds given those its bucket has
        /// used, each a coding (full rank or not) per categorical factor.
        static func pickContrasts(_ categorical: [String], used: inout Set<Set<String>>) -> [[String: Bool]] {
            // Every subset, by size, then by the positions of its factors.
            var subsets = [[Int]]()
            for mask in 0..<(1 << categorical.count) {
                subsets.append((0..<categorical.count).filter { mask & (1 << $0) != 0 })
            }
            subsets.sort { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }
            // Subterms as factor → includes-intercept, kept in order.
            var subterms = [[String: Bool]]()
            for subset in subsets {
                let factors = Set(subset.map { categorical[$0] })
                if used.contains(factors) { continue }
                used.insert(factors)
                subterms.append(Dictionary(uniqueKeysWithValues: factors.map { ($0, false) }))
            }
            // Absorb a subterm into a later one with exactly one more factor (coded full rank).
            var changed = true
            while changed {
                changed = false
                search: for short in subterms.indices {
                    for long in (short + 1)..<subterms.count {
                        let a = subterms[short], b = subterms[long]
                        guard b.count - a.count == 1, a.allSatisfy({ b[$0.key] == $0.value }) else { continue }
                        let extra = b.keys.first { a[$0] == nil }!
                        guard b[extra] == false else { continue }
                        var merged = a
                        merged[extra] = true
                        subterms[long] = merged
                        subterms.remove(at: short)
                        changed = true
                        break search
                    }
                }
            }
            return subterms
        }

        /// The columns' names of a subterm: the first factor's columns vary fastest.
        static func names(_ parts: [Part], factors: [DesignFactor]) throws(DescentError) -> [String] {
            var pieces = [[String]]()
            for part in parts {
                let factor = factors.first { $0.code == part.code }!
                if let levels = factor.levels, let coding = factor.coding, let full = part.fullRank {
                    pieces.append(try coding.contrast(levels, fullRank: full, factor: part.code).suffixes.map { part.code + $0 })
                } else {
                    pieces.append([part.code])
                }
            }
            return combinations(pieces.map(\.count)).map { index in
                zip(pieces, index).map { $0[$1] }.joined(separator: ":")
            }
        }

        /// Every combination of one column per factor, the first factor fastest (patsy's, as R's).
        static func combinations(_ counts: [Int]) -> [[Int]] {
            var result = [[Int]]()
            let total = counts.reduce(1, *)
            for k in 0..<total {
                var rest = k
                result.append(counts.map { count in
                    let i = rest % count
                    rest /= count
                    return i
                })
            }
            return result
        }
    }
}
