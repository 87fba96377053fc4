/// Words for a rank-deficient system that name the offending feature columns (zero-based), so a
/// user knows which column to drop.
enum RankDeficiency {
    /// E.g. "column 2 is constant; column 3 is a linear combination of the columns before it
    /// (columns zero-based)". `dependent` columns that are also constant are named once.
    static func describe(constant: [Int], dependent: [Int], rank: Int? = nil, of columns: Int? = nil) -> String {
        let named = columnNames != nil
        var parts = [String]()
        if !constant.isEmpty {
            parts.append(constant.count == 1 ? "column \(name(constant[0])) is constant"
                                             : "columns \(list(constant)) are constant")
        }
        let others = dependent.filter { !constant.contains($0) }.sorted()
        if !others.isEmpty {
            parts.append(others.count == 1
                ? "column \(name(others[0])) is (nearly) a linear combination of the other columns"
                : "columns \(list(others)) are (nearly) linear combinations of the other columns")
        }
        var text = parts.isEmpty ? "the features are linearly dependent" : parts.joined(separator: "; ")
        if let rank, let columns { text += " (numerical rank \(rank) of \(columns))" }
        return text + (parts.isEmpty ? "" : named ? "; drop or combine them" : " (columns zero-based); drop or combine them")
    }

    /// The names of the feature columns while a fit that knows them runs (a formula's solve or
    /// fit, a fit on a named data set), so that a rank-deficient design or a badly scaled column
    /// is reported by name; `nil` otherwise.
    @TaskLocal static var columnNames: [String]? = nil

    /// Column `j` as a message names it: `'C(g)[T.b]'` under a formula, `2` otherwise.
    static func name(_ j: Int) -> String {
        guard let names = columnNames, names.indices.contains(j) else { return "\(j)" }
        return "'\(names[j])'"
    }

    /// `1, 2 and 5`.
    static func list(_ values: [Int]) -> String {
        let words = values.map(name)
        return words.count <= 1 ? words.joined() : words.dropLast().joined(separator: ", ") + " and " + words.last!
    }
}
