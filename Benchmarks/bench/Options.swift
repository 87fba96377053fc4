/// The bench's command line, parsed by hand (ten flags do not earn a dependency's build time).
struct Options {
    enum PrecisionChoice: String { case float32, float64, both }
    var rows = 1_000_000
    var features = 100
    var precision = PrecisionChoice.both
    var batchSize = 256
    var epochs = 5
    var threads: Int? = nil
    var seed: UInt64 = 2026
    var json = false
    var quick = false
    var skipSolvers = false
    var skipAgreement = false
    var only: Set<String>? = nil

    static let usage = """
        Usage: bench [options]
          --rows N                 rows of synthetic data (default 1000000)
          --features N             feature columns (default 100)
          --precision P            float32 | float64 | both (default both)
          --batch-size N           mini-batch size (default 256)
          --epochs N               epochs timed per mode; the median is reported (default 5)
          --threads N              OpenBLAS and Descent threads (default: OPENBLAS_NUM_THREADS or all cores)
          --seed N                 seed for data and shuffling (default 2026)
          --json                   one JSON object per line instead of a table
          --quick                  small sizes (20000 × 50, 3 epochs): a few seconds
          --skip-solvers           leave out the exact solvers
          --skip-agreement         leave out training to convergence
          --only A,B,…             run only these benchmarks (read-once always runs), e.g. --only normal-equations,qr
          --help                   this text
        """

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var explicitRows = false, explicitFeatures = false, explicitEpochs = false
        var iterator = arguments.makeIterator()
        func value(_ flag: String) throws -> String {
            guard let next = iterator.next() else { throw ParseError(description: "\(flag) needs a value") }
            return next
        }
        func positive(_ flag: String) throws -> Int {
            let text = try value(flag)
            guard let number = Int(text), number > 0 else {
                throw ParseError(description: "\(flag) takes a whole number > 0, not '\(text)'")
            }
            return number
        }
        while let argument = iterator.next() {
            switch argument {
            case "--rows": options.rows = try positive(argument); explicitRows = true
            case "--features": options.features = try positive(argument); explicitFeatures = true
            case "--batch-size": options.batchSize = try positive(argument)
            case "--epochs": options.epochs = try positive(argument); explicitEpochs = true
            case "--threads": options.threads = try positive(argument)
            case "--seed":
                let text = try value(argument)
                guard let seed = UInt64(text) else { throw ParseError(description: "--seed takes a whole number ≥ 0, not '\(text)'") }
                options.seed = seed
            case "--precision":
                let text = try value(argument)
                guard let choice = PrecisionChoice(rawValue: text) else {
                    throw ParseError(description: "--precision takes float32, float64 or both, not '\(text)'")
                }
                options.precision = choice
            case "--json": options.json = true
            case "--quick": options.quick = true
            case "--skip-solvers": options.skipSolvers = true
            case "--skip-agreement": options.skipAgreement = true
            case "--only": options.only = Set(try value(argument).split(separator: ",").map(String.init))
            case "--help", "-h": throw ParseError(description: usage)
            default: throw ParseError(description: "unknown option '\(argument)'\n\(usage)")
            }
        }
        if options.quick {
            if !explicitRows { options.rows = 20_000 }
            if !explicitFeatures { options.features = 50 }
            if !explicitEpochs { options.epochs = 3 }
        }
        guard options.epochs >= 2 else {
            throw ParseError(description: "--epochs must be at least 2: the first epoch is a warm-up")
        }
        return options
    }
}
