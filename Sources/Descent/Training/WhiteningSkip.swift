/// Why a fit with ``Preconditioning/automatic`` trained without whitening, deciding before it
/// measured the correlations: ``FitHistory/whiteningSkipped``.
///
/// The decision is made from the data's shape, before the correlation pass, because that pass
/// and the `d × d` factorisations are themselves the cost: see ``Preconditioning/automatic``.
public enum WhiteningSkip: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Whitening would cost too much next to the fit it serves: its one-time work (the
    /// correlation pass, `O(n·d²)`, and the factorisations, `O(d³)`) would take about
    /// `setupEpochs` epochs of plain training, or each whitened epoch about `epochFactor` times a
    /// plain one (the `O(d²)` per update or per row); the rule allows
    /// ``Preconditioning/maximumSetupEpochs`` and ``Preconditioning/maximumEpochFactor``.
    case cost(setupEpochs: Double, epochFactor: Double)
    /// Whitening's `d × d` matrices need `needed` bytes, more than the process may allocate
    /// (`available` bytes: the memory available, or what `ulimit -v` leaves, less a margin).
    case memory(needed: Int, available: Int)

    /// A sentence for reports, e.g. `whitening would cost 390 plain epochs to set up`.
    public var description: String {
        switch self {
        case let .cost(setup, factor):
            "whitening was skipped for its cost: about \(rounded(setup)) plain epochs to set up and \(rounded(factor))× "
                + "a plain epoch per epoch (the rule allows \(rounded(Preconditioning.maximumSetupEpochs)) and "
                + "\(rounded(Preconditioning.maximumEpochFactor))×)"
        case let .memory(needed, available):
            "whitening was skipped for its memory: its d × d matrices need \(formatBytes(needed)), "
                + "\(formatBytes(available)) may be allocated"
        }
    }

    /// Two significant digits for the report (`390`, `2.3`).
    private func rounded(_ value: Double) -> String {
        guard value.isFinite, value < 1e15 else { return "\(value)" }
        let tenths = (value * 10).rounded() / 10
        if value >= 100 || tenths == tenths.rounded() { return "\(Int(value.rounded()))" }
        return "\(tenths)"
    }
}

/// What the preconditioning pass decided on: the condition estimate, or why whitening was not
/// considered. What ``FitHistory`` records.
struct PreconditioningOutcome {
    /// The condition estimate ``Preconditioning/automatic`` decided on (`nil`: not measured).
    var estimate: Double?
    /// Why ``Preconditioning/automatic`` did not measure, when its cost or memory ruled whitening out.
    var skipped: WhiteningSkip?

    static let none = PreconditioningOutcome(estimate: nil, skipped: nil)
}

extension FitHistory {
    /// Records whether the fit whitened, the condition estimate it decided on (finite only), and
    /// why whitening was skipped, if it was.
    mutating func recordPreconditioning(whitened: Bool, condition outcome: PreconditioningOutcome) {
        recordPreconditioning(whitened: whitened, condition: outcome.estimate)
        whiteningSkipped = outcome.skipped
        // Advice to whiten what could not be whitened helps nobody.
        if outcome.skipped != nil, let summary = adviceSummary, var tips = adviceTips {
            tips.removeAll { $0.api.hasPrefix("whitening") }
            adviceTips = tips
            advice = summary + " Try " + tips.map(\.api).joined(separator: "; ") + "."
        }
    }
}
