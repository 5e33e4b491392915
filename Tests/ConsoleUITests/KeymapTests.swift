import Testing
@testable import ConsoleUI

@Suite struct KeymapTests {
    @Test func standardKeymapHasNoConflicts() {
        let c = Keymap.standard.conflicts()
        #expect(c.isEmpty, "\(c.map { "\($0.0.key.label): \($0.0.action) vs \($0.1.action)" })")
    }

    @Test func conflictsAreFound() {
        let km = Keymap(bindings: [KeyBinding(.char("x"), .global, .quit, "quit"),
                                   KeyBinding(.char("x"), .pane(.users), .revoke, "revoke", writes: true)])
        #expect(km.conflicts().count == 1)
    }

    @Test func everyActionHasAKeyAndHelp() {
        for action in ConsoleAction.allCases {
            #expect(!Keymap.standard.keys(for: action).isEmpty, "\(action) has no key")
        }
        let help = HelpOverlay.lines(.standard, readOnly: false).joined(separator: "\n")
        for b in Keymap.standard.bindings { #expect(help.contains(b.help), "help lacks \(b.help)") }
    }

    @Test func readOnlyPrunesEveryWrite() {
        let ro = Keymap.standard.readOnly()
        #expect(!ro.bindings.contains { $0.writes })
        #expect(ro.binding(for: .char("g"), in: .users) == nil)
        #expect(ro.binding(for: .char("r"), in: .users) == nil)
        #expect(ro.binding(for: .char("v"), in: .users)?.action == .validate)
        let help = HelpOverlay.lines(ro, readOnly: true).joined(separator: "\n")
        #expect(help.contains("Read-only"))
        #expect(!help.contains("[write]"))
    }

    @Test func rebindingFromConfig() throws {
        let km = try Keymap.standard.rebinding(["grant": "G", "down": "J"])
        #expect(km.binding(for: .char("G"), in: .users)?.action == .grant)
        #expect(km.binding(for: .char("g"), in: .users) == nil)
        #expect(km.keys(for: .down) == [.char("J")])
        #expect(km.conflicts().isEmpty)
    }

    @Test func badRebindingsAreExplained() {
        #expect(throws: KeymapError.self) { try Keymap.standard.rebinding(["grnat": "G"]) }
        #expect(throws: KeymapError.self) { try Keymap.standard.rebinding(["grant": "ctrl-"]) }
        do {
            _ = try Keymap.standard.rebinding(["grant": "q"])
            Issue.record("expected a conflict")
        } catch {
            #expect(String(describing: error).contains("would do both"))
        }
    }

    @Test func keyNamesRoundTrip() {
        for k: Key in [.char("a"), .char(" "), .enter, .tab, .backTab, .ctrl("r"), .function(5), .pageDown] {
            #expect(Key(name: k.label == "↓" ? "down" : k.label) == k, "\(k.label)")
        }
    }
}
