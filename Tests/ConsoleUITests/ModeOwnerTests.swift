import AccessCore
import Testing
@testable import ConsoleUI

/// Issue 19: read-only had two owners (the services' report and the console's own flag, OR-ed in the
/// header) and the `:` line kept a third list of writing verbs. Now the services' report is the one.
@Suite struct ModeOwnerTests {
    @Test func readOnlyIsWhatTheServicesReport() {
        var s = Fixture.state()
        #expect(!s.readOnly)
        var report = Fixture.snapshot(readOnly: true)
        report.modes.version = 2
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(report)))
        #expect(s.readOnly, "the newer report says read-only: the console follows it")
        #expect(Fixture.press(&s, [.char(":")] + Fixture.type("grant bob 1M") + [.enter]).isEmpty)
        #expect(s.status?.text.contains("read-only") == true)
    }

    @Test func theWritingVerbsAreTheKeymaps() {
        let keymap = Keymap.standard
        for (verb, action) in Keymap.verbActions {
            #expect(keymap.verbWrites(verb) == keymap.writes(action), ":\(verb)")
        }
        #expect(keymap.verbWrites("grant") && keymap.verbWrites("sync") && !keymap.verbWrites("validate"))
        for action in ConsoleAction.allCases {
            #expect(keymap.verbWrites(action.rawValue.lowercased()) == keymap.writes(action), ":\(action.rawValue)")
        }
    }
}
