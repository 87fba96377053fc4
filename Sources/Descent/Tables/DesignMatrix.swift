/// What to do with a level a categorical factor did not have when its design was learnt.
public enum UnseenLevels: Sendable, Hashable {
    /// An error naming the factor, the level and the row (the default, as R and patsy).
    case error
    /// Code the row as the reference level (for `Sum`, the omitted level).
    case reference
}

/// A formula's design matrix on a table: the features (one column per name in
/// ``featureNames``, patsy's names and order, the intercept left to the model's bias), the
/// targets, and the ``Design`` that rebuilds the same columns from new rows.
///
/// The columns are held dense, as a ``Matrix``; the design writes them through one place
/// (`DesignColumns`), where a sparse (CSR) store for high-cardinality categoricals will slot in
/// once Descent has sparse features.
public struct DesignMatrix<Scalar: BLASScalar>: Sendable {
    /// The features, `rows × featureNames.count`, row-major.
    public let features: Matrix<Scalar>
    /// The first target's values (empty when the formula has none, as when predicting).
    public let targets: [Scalar]
    /// Every target, `rows × targetNames.count` (for `y1 + y2 ~ …`).
    public let targetMatrix: Matrix<Scalar>
    /// The features' names, patsy's, without `Intercept`.
    public var featureNames: [String] { design.featureNames }
    /// The targets' names.
    public var targetNames: [String] { design.targetNames }
    /// The design: the formula and what it learnt.
    public let design: Design
    /// The table's rows in the matrices (zero-based), in order: every row, less those dropped
    /// for a missing cell (``Table/MissingPolicy/dropRow``).
    public let rows: [Int]
}

extension Design {
    /// Rebuilds the design's matrices from the raw rows of `table`, with the levels and
    /// statistics the design learnt.
    ///
    /// - Parameters:
    ///   - table: Rows with (at least) the columns the formula uses; others are ignored.
    ///   - as: The precision.
    ///   - unseenLevels: What a level the design did not learn does (default: an error).
    /// - Returns: The features (and no targets: the target columns need not be in `table`).
    /// - Throws: as ``Formula/design(_:as:)``, and ``DescentError/unseenLevel(factor:level:known:row:)``.
    /// - Complexity: O(rows × columns of the design).
    public func features<Scalar: BLASScalar>(_ table: Table, as: Scalar.Type = Double.self,
                                             unseenLevels: UnseenLevels = .error) throws(DescentError)
        -> DesignMatrix<Scalar> {
        try matrices(table, as: Scalar.self, withTargets: false, unseenLevels: unseenLevels, requiring: [])
    }

    /// One factor's values on every row of a table: numbers, or level indices (−1 missing).
    enum Evaluated {
        case numbers([Double])
        case levels([Int])
    }

    /// The design's matrices on `table`.
    func matrices<Scalar: BLASScalar>(_ table: Table, as: Scalar.Type, withTargets: Bool,
                                      unseenLevels: UnseenLevels, requiring: [String]) throws(DescentError)
        -> DesignMatrix<Scalar> {
        let codes = terms.terms.flatMap(\.factors) + (withTargets ? terms.targets.flatMap(\.factors) : [])
        var evaluated = [String: Evaluated]()
        var used = [String]()
        for name in requiring where !used.contains(name) { used.append(name) }
        for code in codes where evaluated[code] == nil {
            guard let factor = factor(code), let expression = terms.expressions[code] else {
                throw .invalidOption(name: "Design", value: code, expected: "a factor the design knows")
            }
            for name in FactorEvaluator.variables(expression, in: table) where !used.contains(name) { used.append(name) }
            evaluated[code] = try evaluate(factor, expression, on: table, unseenLevels: unseenLevels)
        }
        // Rows with a missing cell the formula uses.
        var kept = [Int]()
        kept.reserveCapacity(table.rowCount)
        var columns = [Table.Column]()
        for name in used { columns.append(try table.column(named: name)) }
        for i in 0..<table.rowCount {
            if let k = columns.firstIndex(where: { $0.isMissing(i) }) {
                guard table.missing == .dropRow else {
                    throw .missingValue(source: table.source, row: i, line: table.rowLines?[i], column: used[k])
                }
                continue
            }
            kept.append(i)
        }
        guard !kept.isEmpty else { throw .noRows }
        var sink = DesignColumns(rows: kept.count, columns: layout.names.count)
        var column = 0
        for parts in layout.subterms {
            var pieces = [(values: Evaluated, contrast: [[Double]]?)]()
            for part in parts {
                let factor = self.factor(part.code)!
                var contrast: [[Double]]? = nil
                if let levels = factor.levels, let coding = factor.coding, let full = part.fullRank {
                    contrast = try coding.contrast(levels, fullRank: full, factor: part.code).matrix
                }
                pieces.append((evaluated[part.code]!, contrast))
            }
            let counts = pieces.map { $0.contrast.map { $0.first?.count ?? 0 } ?? 1 }
            for combination in Layout.combinations(counts) {
                for (r, i) in kept.enumerated() {
                    var value = 1.0
                    for (piece, c) in zip(pieces, combination) {
                        switch piece.values {
                        case let .numbers(numbers): value *= numbers[i]
                        case let .levels(indices): value *= piece.contrast![indices[i]][c]
                        }
                    }
                    guard value.isFinite else {
                        throw .invalidOption(name: "Formula term \(layout.names[column])", value: "\(value) in row \(i)",
                                             expected: "a finite number (check the term's function and data)")
                    }
                    sink.set(row: r, column: column, value)
                }
                column += 1
            }
        }
        var targets = [Double]()
        if withTargets {
            targets.reserveCapacity(kept.count * terms.targets.count)
            for i in kept {
                for target in terms.targets {
                    guard case let .numbers(values)? = evaluated[target.factors[0]] else { continue }
                    guard values[i].isFinite else { throw .nonFiniteValue(at: .targets(index: i)) }
                    targets.append(values[i])
                }
            }
        }
        let k = withTargets ? terms.targets.count : 0
        let targetMatrix = Matrix(rows: kept.count, columns: k, validElements: targets.map { Scalar($0) })
        return DesignMatrix(features: sink.matrix(as: Scalar.self),
                            targets: k > 0 ? (0..<kept.count).map { Scalar(targets[$0 * k]) } : [],
                            targetMatrix: targetMatrix, design: self, rows: kept)
    }

    /// A factor's values on every row: numbers, or each row's level index (−1 where missing).
    func evaluate(_ factor: DesignFactor, _ expression: FormulaSyntax.Expression, on table: Table,
                  unseenLevels: UnseenLevels) throws(DescentError) -> Evaluated {
        var evaluator = FactorEvaluator(table: table, transforms: factor.transforms, memorising: false, code: factor.code)
        let values = try evaluator.evaluate(expression)
        guard let levels = factor.levels, let coding = factor.coding else {
            guard case let .numbers(numbers) = values else {
                throw .invalidOption(name: "Formula term \(factor.code)", value: "categorical in this table",
                                     expected: "numbers, as in the data the design was learnt from")
            }
            return .numbers(numbers)
        }
        let cells: [DesignLevel?]
        switch values {
        case let .levels(given): cells = given
        case let .numbers(numbers):
            // A text column whose cells all read as numbers in this table: compare their text.
            let integral = numbers.allSatisfy { $0.isNaN || $0 == $0.rounded() }
            cells = numbers.map { $0.isNaN ? nil : .text(DesignLevel.number($0, integral: integral).name) }
        }
        var index = [DesignLevel: Int]()
        for (k, level) in levels.enumerated() { index[level] = k }
        let fallback = try coding.droppedLevel(levels, factor: factor.code)
        var indices = [Int](repeating: -1, count: cells.count)
        for (i, cell) in cells.enumerated() {
            guard let cell else { continue }
            if let k = index[cell] ?? levels.firstIndex(where: { $0.matches(cell) }) {
                indices[i] = k
            } else if unseenLevels == .reference {
                indices[i] = fallback
            } else {
                throw .unseenLevel(factor: factor.code, level: cell.name, known: levels.map(\.name), row: i)
            }
        }
        return .levels(indices)
    }
}

/// Where a design writes its columns: today a dense row-major buffer; the seam where a sparse
/// (CSR) store for high-cardinality categoricals will slot in.
struct DesignColumns {
    let rows: Int, columns: Int
    var values: [Double]

    init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        values = [Double](largeRepeating: 0, count: rows * columns)
    }

    mutating func set(row: Int, column: Int, _ value: Double) { values[row * columns + column] = value }

    func matrix<Scalar: BLASScalar>(as: Scalar.Type) -> Matrix<Scalar> {
        values.withUnsafeBufferPointer { values in
            Matrix(rows: rows, columns: columns, validInitializingWith: { out in
                for i in values.indices { out[i] = Scalar(values[i]) }
            })
        }
    }
}
