#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Descent

/// The collective operations the solvers and the training loop call, across MPI ranks.
///
/// Sums and triangles go up a binary tree over the ranks in rank order (at step `s`, rank `r`
/// with `r mod 2ˢ⁺¹ = 0` receives from rank `r + 2ˢ` and combines its own part first), and
/// rank 0's result is broadcast: the same bits on every rank, the same bracketing in every run.
/// Every operation first checks that all ranks passed the same shape (one exact integer
/// reduction), so a rank with other columns makes every rank throw instead of waiting forever.
extension MPICommunicator: Collective {
    /// The message tags of the tree steps (the private communicator carries only Descent's messages).
    private enum Tag {
        static let sum: Int32 = 1
        static let triangles: Int32 = 2
        static let sumResult: Int32 = 3
    }

    /// Replaces `values` on every rank by the element-wise sum over all ranks, in a fixed order.
    ///
    /// Two sweeps of the tree: up, adding, and down, copying rank 0's result. Each message is
    /// `[flag, values…]`, and a receiver reads its length before receiving it, so a rank whose
    /// vector has another length raises the flag instead of making anyone wait; every rank then
    /// throws `DescentError.ranksDisagree`.
    package func sum(_ values: inout [Double]) throws(DescentError) {
        let name = "length of a vector summed across ranks"
        try exclusive { () throws(DescentError) in
            guard size > 1 else { return }
            precondition(values.count < MPI.piece, "a vector summed across ranks holds fewer than 2³¹ − 1 numbers")
            var message = [0] + values
            try reduceUpTree(&message, tag: Tag.sum) { (own, other) throws(DescentError) in
                var received = [Double](repeating: 0, count: try MPI.incomingCount(from: other, tag: Tag.sum, communicator))
                try MPI.receive(&received, from: other, tag: Tag.sum, communicator)
                guard own[0] == 0, received.count == own.count, received[0] == 0 else {
                    own = [1]
                    return
                }
                for i in 1..<own.count { own[i] += received[i] }
            }
            try broadcastDownTree(&message, tag: Tag.sumResult)
            guard message[0] == 0 else {
                throw .ranksDisagree(quantity: name, values: try gather([values.count]).map { $0[0] })
            }
            values = Array(message[1...])
        }
    }

    /// Throws on every rank the error of the lowest rank that passes one; returns on every rank if
    /// none does.
    package func agree(_ localError: DescentError?) throws(DescentError) {
        let error: DescentError? = try exclusive { () throws(DescentError) -> DescentError? in
            var lowest: [Int64] = [localError == nil ? Int64(size) : Int64(rank)]
            try MPI.allReduce(&lowest, .minimum, communicator)
            let failing = Int(lowest[0])
            guard failing < size else { return nil }
            var bytes: [UInt8] = rank == failing ? Self.encode(localError!) : []
            try broadcastBytesUnlocked(&bytes, root: failing)
            return rank == failing ? localError! : Self.decode(bytes)
        }
        if let error { throw error }
    }

    /// Replaces every rank's triangle `r` and right-hand sides `z` by those of the QR factorisation
    /// of all ranks' triangles stacked in rank order (TSQR's combining step, up the tree).
    package func combineTriangles(_ r: inout [Double], _ z: inout [Double], columns d: Int,
                                  targets k: Int) throws(DescentError) {
        precondition(r.count == d * d && z.count == d * k, "r is d × d and z is d × k")
        try exclusive { () throws(DescentError) in
            try sameEverywhere([d, k], names: ["number of columns of a triangle", "number of targets of a triangle"])
            guard size > 1 else { return }
            var payload = r + z
            var received = [Double](repeating: 0, count: payload.count)
            try reduceUpTree(&payload, tag: Tag.triangles) { (own, other) throws(DescentError) in
                try MPI.receive(&received, from: other, tag: Tag.triangles, communicator)
                let combined = TriangleStack.combine([Array(own[0..<(d * d)]), Array(received[0..<(d * d)])],
                                                     [Array(own[(d * d)...]), Array(received[(d * d)...])],
                                                     columns: d, targets: k)
                own = combined.r + combined.z
            }
            try MPI.broadcast(&payload, root: 0, communicator)
            r = Array(payload[0..<(d * d)])
            z = Array(payload[(d * d)...])
        }
    }

    // MARK: The pieces

    /// Every rank's `values` (the same count on every rank), in rank order, on every rank.
    package func allGather(_ values: [Int]) throws(DescentError) -> [[Int]] {
        try exclusive { () throws(DescentError) -> [[Int]] in try gather(values) }
    }

    /// Replaces every rank's `bytes` by `root`'s (of any length).
    package func broadcastBytes(_ bytes: inout [UInt8], root: Int) throws(DescentError) {
        try exclusive { () throws(DescentError) in try broadcastBytesUnlocked(&bytes, root: root) }
    }

    private func broadcastBytesUnlocked(_ bytes: inout [UInt8], root: Int) throws(DescentError) {
        var count: [Int64] = [Int64(bytes.count)]
        try MPI.broadcast(&count, root: root, communicator)
        if rank != root { bytes = [UInt8](repeating: 0, count: Int(count[0])) }
        try MPI.broadcast(&bytes, root: root, communicator)
    }

    private func gather(_ values: [Int]) throws(DescentError) -> [[Int]] {
        let all = try MPI.allGather(values.map { Int64($0) }, communicator, size: size)
        return (0..<size).map { rank in all[(rank * values.count)..<((rank + 1) * values.count)].map { Int($0) } }
    }

    /// Throws `DescentError/ranksDisagree(quantity:values:)` on every rank unless every rank
    /// passed the same `values`. One exact reduction when they agree.
    func sameEverywhere(_ values: [Int], names: [String]) throws(DescentError) {
        var bounds = values.map { Int64($0) } + values.map { -Int64($0) }
        try MPI.allReduce(&bounds, .maximum, communicator)
        let n = values.count
        guard let differing = (0..<n).first(where: { bounds[$0] != -bounds[n + $0] }) else { return }
        let all = try gather(values)
        throw .ranksDisagree(quantity: names[differing], values: all.map { $0[differing] })
    }

    /// The up-sweep of the fixed binary tree: a rank that receives at step `s` calls
    /// `combine(&own, partner)`, where `own` holds ranks `r..<r+2ˢ` combined and the partner
    /// `r+2ˢ` sends its `own`; at the end rank 0 holds every rank's part combined in rank order.
    private func reduceUpTree(_ own: inout [Double], tag: Int32,
                              combine: (inout [Double], Int) throws(DescentError) -> Void) throws(DescentError) {
        var step = 1
        while step < size {
            if rank % (2 * step) == 0 {
                if rank + step < size { try combine(&own, rank + step) }
            } else {
                try MPI.send(own, to: rank - step, tag: tag, communicator)
                return
            }
            step *= 2
        }
    }

    /// The down-sweep of a binomial tree from rank 0 (the order MPI's own broadcast often uses):
    /// every rank receives rank 0's `message`, of a length it learns from the message itself.
    private func broadcastDownTree(_ message: inout [Double], tag: Int32) throws(DescentError) {
        var mask = 1
        while mask < size {
            if rank & mask != 0 {
                let parent = rank - mask
                message = [Double](repeating: 0, count: try MPI.incomingCount(from: parent, tag: tag, communicator))
                try MPI.receive(&message, from: parent, tag: tag, communicator)
                break
            }
            mask <<= 1
        }
        mask >>= 1
        while mask > 0 {
            if rank + mask < size { try MPI.send(message, to: rank + mask, tag: tag, communicator) }
            mask >>= 1
        }
    }

    // MARK: Errors as bytes

    /// `error` in its JSON form, to send to the other ranks (NaN and ±∞ payloads as strings).
    package static func encode(_ error: DescentError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return (try? encoder.encode(error)).map { [UInt8]($0) } ?? [UInt8](error.description.utf8)
    }

    /// The error another rank sent; if its bytes are not a `DescentError` (another version of
    /// Descent on that rank), its text as `DescentError/communicationFailed(reason:)`.
    package static func decode(_ bytes: [UInt8]) -> DescentError {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                        nan: "nan")
        return (try? decoder.decode(DescentError.self, from: Data(bytes)))
            ?? .communicationFailed(reason: "another rank failed: \(String(decoding: bytes, as: UTF8.self))")
    }
}
