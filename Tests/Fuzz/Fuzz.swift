import Descent
import Foundation

/// A seeded mutation fuzzer for every parser of untrusted files: `.npy` files, saved models (and,
/// through `FuzzTarget`, any parser added later). Each round takes a corpus file, mutates it,
/// writes it to a scratch file and parses it: the parser must return or throw a `DescentError`;
/// a crash ends the process (the input is kept in `--keep`), and an input that takes longer than
/// `--hang` seconds is reported as a hang. Run by `Scripts/fuzz`.
@main
struct Fuzz {
    static func main() {
        let arguments = Arguments(CommandLine.arguments.dropFirst())
        let seconds = arguments.double("--seconds") ?? 10
        let seed = arguments.integer("--seed") ?? UInt64(Date().timeIntervalSince1970)
        let corpus = arguments.string("--corpus") ?? "Tests/Fuzz/Corpus"
        let keep = arguments.string("--keep") ?? ".build/fuzz-last-input"
        let hang = arguments.double("--hang") ?? 2
        let only = arguments.string("--only")
        var targets = FuzzTarget.all.filter { only == nil || $0.name == only }
        for index in targets.indices {
            targets[index].seeds = (try? FileManager.default.contentsOfDirectory(atPath: corpus + "/" + targets[index].name))?
                .sorted().compactMap { FileManager.default.contents(atPath: corpus + "/" + targets[index].name + "/" + $0) }
                .map { [UInt8]($0) } ?? []
        }
        targets.removeAll { $0.seeds.isEmpty }
        guard !targets.isEmpty else {
            FileHandle.standardError.write(Data("fuzz: no corpus under \(corpus) for \(only ?? "any target")\n".utf8))
            exit(2)
        }
        print("fuzz: seed \(seed), \(seconds) s, targets \(targets.map(\.name).joined(separator: ", "))")
        var random = RandomSource(seed: seed)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("descent-fuzz-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let deadline = Date().addingTimeInterval(seconds)
        var rounds = 0, accepted = 0
        var refusals = [String: Int]()
        while Date() < deadline {
            let target = targets[Int(random.next(upperBound: UInt64(targets.count)))]
            var input = target.seeds[Int(random.next(upperBound: UInt64(target.seeds.count)))]
            Mutator.mutate(&input, rounds: 1 + Int(random.next(upperBound: UInt64(4))), random: &random)
            write(input, to: keep)
            write(input, to: scratch)
            let start = Date()
            do {
                try target.parse(scratch)
                accepted += 1
            } catch let error as DescentError {
                let kind = String(describing: error).prefix(40)
                refusals[String(kind), default: 0] += 1
            } catch {
                fail("\(target.name): an untyped error \(error)", keep: keep)
            }
            let took = Date().timeIntervalSince(start)
            if took > hang { fail("\(target.name): one input took \(took) s (limit \(hang) s)", keep: keep) }
            rounds += 1
        }
        try? FileManager.default.removeItem(atPath: keep)
        print("fuzz: \(rounds) inputs, \(accepted) parsed, \(rounds - accepted) refused with a typed error, no crash or hang")
    }

    /// Writes `bytes` as the file `path` (plain stdio: the fuzzer writes two files per input).
    static func write(_ bytes: [UInt8], to path: String) {
        guard let file = fopen(path, "wb") else { fail("cannot write \(path)", keep: path) }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }

    static func fail(_ message: String, keep: String) -> Never {
        FileHandle.standardError.write(Data("fuzz: FAILED: \(message); the input is in \(keep)\n".utf8))
        exit(1)
    }
}

/// A parser to fuzz: a name (its corpus folder) and how to parse a file.
struct FuzzTarget: Sendable {
    let name: String
    let parse: @Sendable (String) throws -> Void
    var seeds: [[UInt8]] = []

    static let all: [FuzzTarget] = [
        FuzzTarget(name: "npy") { path in
            let x = try Matrix<Double>(npyFile: path)
            _ = x.withUnsafeBufferPointer { $0.reduce(0, +) }   // touch every element
            _ = try Matrix<Float>(npyFile: path, allowPrecisionLoss: true)
        },
        FuzzTarget(name: "csv") { path in
            for options in [CSVOptions(), CSVOptions(delimiter: ";", hasHeader: false), CSVOptions(dropInvalidRows: true)] {
                do {
                    let x = try Matrix<Double>(csvFile: path, options: options)
                    _ = x.withUnsafeBufferPointer { $0.reduce(0, +) }
                } catch {}
            }
            _ = try Matrix<Double>(csvFile: path)
        },
        FuzzTarget(name: "model") { path in
            let model = try LinearModel<Double>(contentsOf: path)
            if !model.weights.isEmpty {
                var copy = model
                try GradientDescent<Double>(epochs: 1, optimizer: .adam())
                    .fit(&copy, features: Matrix(rows: 2, columns: model.weights.count) { i, j in Double(i + j) },
                         targets: [1, 2])
            }
        },
    ]
}

/// Byte-level mutations: flips, interesting bytes, runs inserted, removed or repeated, truncation,
/// and edits of little-endian length fields.
enum Mutator {
    static let interesting: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0x22, 0x27, 0x2C, 0x0A, 0x0D, 0x7B, 0x7D, 0x28, 0x29,
                                       0x3A, 0x2E, 0x2D, 0x65, 0x30, 0x39, 0x20, 0x5B, 0x5D]

    static func mutate(_ bytes: inout [UInt8], rounds: Int, random: inout RandomSource) {
        for _ in 0..<rounds {
            let position = bytes.isEmpty ? 0 : Int(random.next(upperBound: UInt64(bytes.count)))
            switch random.next(upperBound: UInt64(8)) {
            case 0 where !bytes.isEmpty: bytes[position] ^= UInt8(1) << UInt8(random.next(upperBound: UInt64(8)))
            case 1 where !bytes.isEmpty: bytes[position] = interesting[Int(random.next(upperBound: UInt64(interesting.count)))]
            case 2: bytes.insert(contentsOf: (0..<Int(random.next(upperBound: UInt64(16)) + 1)).map { _ in UInt8(truncatingIfNeeded: random.next()) },
                                 at: position)
            case 3 where !bytes.isEmpty:
                bytes.removeSubrange(position..<Swift.min(bytes.count, position + Int(random.next(upperBound: UInt64(32)) + 1)))
            case 4 where !bytes.isEmpty:
                let end = Swift.min(bytes.count, position + Int(random.next(upperBound: UInt64(64)) + 1))
                bytes.insert(contentsOf: bytes[position..<end], at: end)
            case 5: bytes.removeLast(Int(random.next(upperBound: UInt64(bytes.count + 1))))
            case 6 where bytes.count >= 12:   // the .npy header length, or any early 16-bit field
                let field = 8 + Int(random.next(upperBound: UInt64(3)))
                let value = [0, 1, 0xFF, 0xFFFF, bytes.count, bytes.count * 2][Int(random.next(upperBound: UInt64(6)))]
                bytes[field] = UInt8(truncatingIfNeeded: value)
                bytes[field + 1] = UInt8(truncatingIfNeeded: value >> 8)
            default:
                if !bytes.isEmpty { bytes[position] = UInt8(truncatingIfNeeded: random.next()) }
            }
        }
    }
}

/// `--name value` options.
struct Arguments {
    var values: [String: String] = [:]
    init(_ arguments: ArraySlice<String>) {
        var iterator = arguments.makeIterator()
        while let name = iterator.next() { values[name] = iterator.next() }
    }
    func string(_ name: String) -> String? { values[name] }
    func double(_ name: String) -> Double? { values[name].flatMap(Double.init) }
    func integer(_ name: String) -> UInt64? { values[name].flatMap { UInt64($0) } }
}
