import Foundation
import Testing
import Descent

/// Runs `body`, which must throw exactly `expected` (a `DescentError`) with a message that says
/// what to do: more than 40 characters, and the same text as `localizedDescription`.
func expectDescentError(_ expected: DescentError, _ body: () throws -> Void,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try body()
        Issue.record("no error; expected \(expected)", sourceLocation: sourceLocation)
    } catch let error as DescentError {
        // NaN payloads compare unequal to themselves: compare their descriptions instead.
        #expect(error == expected || error.description == expected.description, sourceLocation: sourceLocation)
        #expect(error.description.count > 40, sourceLocation: sourceLocation)
        #expect(error.localizedDescription == error.description, sourceLocation: sourceLocation)
    } catch {
        Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
    }
}
