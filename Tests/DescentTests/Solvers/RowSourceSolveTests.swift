import Testing
@testable import Descent

/// `max|a − b| ≤ tolerance · max|b|` over the weights and the bias together.
func expectSameModel(_ a: LinearModel<Double>, _ b: LinearModel<Double>, tolerance: Double = 1e-12,
                     _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let left = a.weights + [a.bias], right = b.weights + [b.bias]
    let scale = right.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
    let gap = zip(left, right).reduce(0.0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
    #expect(gap <= tolerance * scale, "\(comment): max difference \(gap), scale \(scale)", sourceLocation: sourceLocation)
}

@Suite("Exact solvers from a row source and across parts")
struct RowSourceSolveTests {
    static let methods: [LeastSquares.Method] = [.normalEquations, .qr, .svd, .automatic]

    @Test("a data set in uneven chunks gives the in-memory answers and the same NIST digits", arguments: NISTDataset.names)
    func chunkedNIST(name: String) throws {
        let data = try NISTDataset.load(name)
        let source = SplitRows(data.features, data.targets, chunkSizes: [1, 7, 3, 12])
        #expect(source.chunkCount >= 2)
        let table = try #require(NISTTests.minimumDigits[name])
        for method in Self.methods {
            guard let minimum = try #require(table[method]) else {
                #expect(throws: DescentError.self) { try LeastSquares.solve(from: source, intercept: data.intercept, method: method) }
                continue
            }
            let inMemory = try LeastSquares.solve(data.features, data.targets, intercept: data.intercept, method: method)
            let chunked = try LeastSquares.solve(from: source, intercept: data.intercept, method: method)
            expectSameModel(chunked.model, inMemory.model, "\(name) \(method)")
            #expect(data.digits(chunked.model) >= minimum, "\(name) \(method)")
            #expect(chunked.model.featureNames == source.featureNames)
        }
    }

    @Test("a large problem streamed in uneven chunks gives the in-memory answer for every method")
    func chunkedLarge() throws {
        // 12 000 × 100 = 1.2·10⁶ elements: beyond the size a source is read into memory.
        let problem = RandomProblem<Double>(rows: 12_000, columns: 100, noise: 0.5, seed: 41)
        let source = SplitRows(problem.features, problem.targets, chunkSizes: [5_000, 1, 2_999, 4_000])
        for method in Self.methods {
            let inMemory = try LeastSquares.solve(problem.features, problem.targets, method: method)
            let chunked = try LeastSquares.solve(from: source, method: method)
            expectSameModel(chunked.model, inMemory.model, "\(method)")
            #expect(chunked.method == inMemory.method)
        }
        let ridge = try LeastSquares.solve(from: source, ridge: 0.01)
        expectSameModel(ridge.model, try LeastSquares.solve(problem.features, problem.targets, ridge: 0.01).model, "ridge")
    }

    /// Splits `problem` over three parts of 0, `first` and the remaining rows (each part's rows
    /// in uneven chunks) and solves on three threads.
    func acrossParts(_ x: Matrix<Double>, _ y: [Double], split: [Range<Int>], intercept: Bool = true,
                     method: LeastSquares.Method, ridge: Double = 0) -> [Result<LeastSquaresSolution<Double>, DescentError>] {
        let sources = split.map { SplitRows(x, y, rows: $0, chunkSizes: [37, 5, 101]) }
        return ThreadsWorld(size: split.count).run { collective in
            Result { () throws(DescentError) in
                try LeastSquares.solve(from: sources[collective.rank], intercept: intercept, method: method,
                                       ridge: ridge, collective: collective)
            }
        }
    }

    @Test("three uneven parts (one empty) give the single-process answer, the same bits on every part")
    func threeParts() throws {
        let problem = RandomProblem<Double>(rows: 700, columns: 12, noise: 0.3, seed: 43)
        let x = problem.features, y = problem.targets
        let split = [0..<260, 260..<260, 260..<700]
        for (method, ridge) in Self.methods.map({ ($0, 0.0) }) + [(.automatic, 0.05)] {
            for intercept in [true, false] {
                let single = try LeastSquares.solve(x, y, intercept: intercept, method: method, ridge: ridge)
                let parts = try acrossParts(x, y, split: split, intercept: intercept, method: method, ridge: ridge)
                    .map { try $0.get() }
                for part in parts {
                    expectSameModel(part.model, single.model, "\(method) ridge \(ridge) intercept \(intercept)")
                    #expect(part.model.weights == parts[0].model.weights && part.model.bias == parts[0].model.bias)
                    #expect(part.rank == single.rank)
                }
            }
        }
    }

    @Test("Longley split over three parts keeps the in-memory digits")
    func longleyParts() throws {
        let data = try NISTDataset.load("Longley")
        let n = data.targets.count
        for method in [LeastSquares.Method.qr, .svd, .automatic] {
            let parts = try acrossParts(data.features, data.targets, split: [0..<5, 5..<5, 5..<n], method: method)
                .map { try $0.get() }
            let minimum = try #require(NISTTests.minimumDigits["Longley"]?[method] ?? nil)
            for part in parts {
                #expect(data.digits(part.model) >= minimum, "Longley \(method) across parts: \(data.digits(part.model))")
            }
        }
    }

    @Test("NaN on one part, or parts with different columns: the same error on every part")
    func faults() throws {
        let problem = RandomProblem<Double>(rows: 300, columns: 4, seed: 44)
        var elements = problem.features.elements
        elements[(200 * 4) + 2] = .nan                         // global row 200, column 2: on the third part
        let x = try Matrix(rows: 300, columns: 4, elements: elements)
        var y = problem.targets
        for method in Self.methods {
            let results = acrossParts(x, y, split: [0..<100, 100..<100, 100..<300], method: method)
            for result in results {
                #expect(throws: DescentError.nonFiniteValue(at: .features(row: 200, column: 2))) { try result.get() }
            }
        }
        y[150] = .infinity
        for result in acrossParts(problem.features, y, split: [0..<100, 100..<100, 100..<300], method: .qr) {
            #expect(throws: DescentError.nonFiniteValue(at: .targets(index: 150))) { try result.get() }
        }
        // Part 1 holds 3 columns, the others 4.
        let narrow = try Matrix(rows: 300, columns: 3, elements: (0..<900).map { Double($0 % 7) })
        let sources: [SplitRows<Double>] = [SplitRows(problem.features, problem.targets, rows: 0..<100, chunkSizes: [50]),
                                            SplitRows(narrow, problem.targets, rows: 100..<200, chunkSizes: [50]),
                                            SplitRows(problem.features, problem.targets, rows: 200..<300, chunkSizes: [50])]
        let results = ThreadsWorld(size: 3).run { collective in
            Result { () throws(DescentError) in try LeastSquares.solve(from: sources[collective.rank], collective: collective) }
        }
        let errors = results.compactMap { result -> DescentError? in
            if case let .failure(error) = result { return error }
            return nil
        }
        #expect(errors.count == 3 && Set(errors.map(\.description)).count == 1, "\(errors)")
    }

    @Test("rank deficiency from a chunked source: the SVD fallback and the named column, as in memory")
    func rankDeficient() throws {
        let base = RandomProblem<Double>(rows: 400, columns: 5, seed: 45)
        var elements = base.features.elements
        for i in 0..<400 { elements[i * 5 + 3] = 2 * elements[i * 5 + 1] }
        let x = try Matrix(rows: 400, columns: 5, elements: elements)
        let parts = try acrossParts(x, base.targets, split: [0..<150, 150..<150, 150..<400], method: .automatic)
            .map { try $0.get() }
        let single = try LeastSquares.solve(x, base.targets)
        #expect(single.method == .svd && single.rank == 4)
        for part in parts {
            #expect(part.method == .svd && part.rank == 4)
            expectSameModel(part.model, single.model, tolerance: 1e-10, "rank-deficient automatic")
        }
        for result in acrossParts(x, base.targets, split: [0..<150, 150..<150, 150..<400], method: .qr) {
            #expect {
                _ = try result.get()
            } throws: { error in
                "\(error)".contains("column 3")
            }
        }
    }
}
