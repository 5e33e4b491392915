import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

/// Issue 21, part 1: every write shows what it will do before it does it, and no stray key writes.
@Suite struct NoAccidentalWritesTests {
    @Test func termPickerOpensOnNothingAndEnterWritesNothing() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("e")])
        guard case .termPicker(let t) = s.modal else { Issue.record("no term picker"); return }
        #expect(t.selected == nil && t.term == nil)
        #expect(Fixture.press(&s, [.enter]).isEmpty)
        #expect(s.screen.contains("choose a term with j/k"))
        #expect(s.inFlight.isEmpty)
    }

    @Test func termPickerDoesNotWrapAndHasHomeEnd() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("e"), .char("k"), .char("k")])          // up from nothing: the first, and stays
        guard case .termPicker(let t0) = s.modal else { Issue.record("no term picker"); return }
        #expect(t0.selected == 0)
        Fixture.press(&s, Array(repeating: .char("j"), count: 10))        // down past the end: stays on the last
        guard case .termPicker(let t1) = s.modal else { Issue.record("no term picker"); return }
        #expect(t1.selected == TermPicker.presets.count - 1 && t1.term == .lifetime)
        Fixture.press(&s, [.home])
        guard case .termPicker(let t2) = s.modal else { Issue.record("no term picker"); return }
        #expect(t2.term == .days(7))
        Fixture.press(&s, [.end])
        guard case .termPicker(let t3) = s.modal else { Issue.record("no term picker"); return }
        #expect(t3.term == .lifetime)
    }

    @Test(arguments: [("45D", AccessTerm.days(45)), ("2W", .days(14)), ("1Y", .years(1)), ("18m", .months(18))])
    func termPickerTakesTyping(text: String, term: AccessTerm) {
        var s = Fixture.state()
        let e = Fixture.press(&s, [.char("e")] + Fixture.type(text) + [.enter])
        #expect(e == [.extend(script: "PUB;alpha", users: ["Alice"], term: term)])
    }

    @Test func extendShowsCurrentAndNewExpiry() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("e")])
        #expect(s.screen.contains("current: Alice 2025-07-15"))
        Fixture.press(&s, Fixture.type("1M"))
        // Alice holds 30 days (2025-07-15); an extend stacks a month on that.
        #expect(s.screen.contains("Alice  2025-07-15 -> 2025-08-15"))
    }

    @Test func grantOfANewNameShowsNoneToNew() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("g")] + Fixture.type("NewUser") + [.enter] + Fixture.type("7D"))
        #expect(s.screen.contains("NewUser  none -> 2025-06-22"))
    }

    @Test func bulkExtendListsEveryUserWithThePreviewBeforeWriting() {
        var s = Fixture.state()
        Fixture.press(&s, [.char(" "), .char(" "), .char(" ")])   // Alice, bob_lapsed, Carol
        #expect(Fixture.press(&s, [.char("e")] + Fixture.type("1M") + [.enter]).isEmpty, "Enter on 3 users asks first")
        guard case .confirm(let c) = s.modal else { Issue.record("no confirmation"); return }
        #expect(c.focusOnConfirm == false)
        #expect(c.title == "Extend 3 users by 1M")
        let screen = s.screen
        #expect(screen.contains("Alice       2025-07-15 -> 2025-08-15"))
        #expect(screen.contains("bob_lapsed  2025-06-12 -> 2025-07-15"), "an expired user is extended from today")
        #expect(screen.contains("Carol       2025-06-20 -> 2025-07-20"))
        #expect(Fixture.press(&s, [.enter]).isEmpty, "Enter on Cancel writes nothing")
        Fixture.press(&s, [.char("e")] + Fixture.type("1M") + [.enter])
        #expect(Fixture.press(&s, [.right, .enter]) == [.extend(script: "PUB;alpha", users: ["Alice", "Carol", "bob_lapsed"], term: .months(1))])
    }

    @Test func bulkRevokeListsEveryUserWithWhatTheyHold() {
        var s = Fixture.state()
        Fixture.press(&s, [.char(" "), .char(" "), .char(" "), .char("r")])
        #expect(s.screen.contains("Alice       2025-07-15 -> removed"))
        #expect(s.screen.contains("bob_lapsed  2025-06-12 -> removed"))
    }

    @Test func prefilledTextIsSelectedSoTheFirstKeyReplacesIt() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("v")])
        guard case .prompt(let p) = s.modal else { Issue.record("no prompt"); return }
        #expect(p.field.text == "Alice" && p.field.selected)
        #expect(Fixture.press(&s, Fixture.type("ValueVince") + [.enter]) == [.validate("ValueVince")])
        // An arrow keeps the suggestion for editing.
        Fixture.press(&s, [.char("v"), .left, .char("x")])
        guard case .prompt(let q) = s.modal else { Issue.record("no prompt"); return }
        #expect(q.field.text == "Alicxe")
        // Backspace on the selection clears it.
        Fixture.press(&s, [.escape, .char("v"), .backspace])
        guard case .prompt(let r) = s.modal else { Issue.record("no prompt"); return }
        #expect(r.field.text.isEmpty)
    }

    @Test func fixDialogSaysWhichScriptAndTerm() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("3"), .enter])
        #expect(s.screen.contains("Grants 1M on Alpha Trend (purchase tx-9)"))
    }

    @Test func resyncSaysPerRowWhatApplyDoesAndWhoWins() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("s")])
        let later = Fixture.now.addingTimeInterval(40 * 86_400), earlier = Fixture.now.addingTimeInterval(10 * 86_400)
        let diff = ResyncDiff(script: "PUB;alpha", rows: [
            .init(kind: .expiryMismatch, username: "Alice", localExpiry: earlier, remoteExpiry: later),
            .init(kind: .expiryMismatch, username: "Carol", localExpiry: later, remoteExpiry: earlier),
            .init(kind: .unknownLocal, username: "ghost", localExpiry: nil, remoteExpiry: later)])
        _ = ConsoleReducer.reduce(&s, .result(.resyncPreview(script: "PUB;alpha"), .resyncDiff(diff)))
        let screen = s.screen
        #expect(screen.contains("keep TradingView's later 2025-07-25 (TradingView wins)"))
        #expect(screen.contains("set TradingView to 2025-07-25 (master data wins)"))
        #expect(screen.contains("adopt 2025-07-25 locally, no write (TradingView wins)"))
    }
}
