import Foundation
import Testing
@testable import AccessCore

/// Issue 20, the design step: `--script` takes a unique title as well as an id.
@Suite struct ScriptChoiceTests {
    static let scripts: [(id: String, title: String?)] = [
        ("PUB;a1", "Alpha Trend"), ("PUB;b2", "Momentum"), ("PUB;c3", "momentum"), ("PUB;d4", nil),
    ]

    @Test func anIdOrAUniqueTitleNamesTheScript() {
        #expect(ScriptChoice.resolve("PUB;d4", among: Self.scripts) == .success("PUB;d4"))
        #expect(ScriptChoice.resolve("alpha trend", among: Self.scripts) == .success("PUB;a1"))
        #expect(ScriptChoice.resolve(" Alpha Trend ", among: Self.scripts) == .success("PUB;a1"))
    }

    @Test func anAmbiguousOrUnknownTitleIsOneLineListingTheCandidates() throws {
        guard case .failure(let twice) = ScriptChoice.resolve("MOMENTUM", among: Self.scripts) else {
            Issue.record("an ambiguous title chose a script"); return
        }
        #expect(twice.message == "--script: the title \"MOMENTUM\" names 2 scripts: 'PUB;b2' (Momentum), 'PUB;c3' (momentum); give the id")
        guard case .failure(let none) = ScriptChoice.resolve("Beta", among: Self.scripts) else {
            Issue.record("an unknown title chose a script"); return
        }
        #expect(none.message.hasPrefix("--script: no configured script has the id or title \"Beta\"; configured: 'PUB;a1' (Alpha Trend), "))
        #expect(none.message.hasSuffix("'PUB;d4'") && !none.message.contains("\n"), "\(none.message)")
    }
}
