import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

/// Issue 17: a script's first run compares TradingView with every purchase; the console shows that plan
/// (a dry run) and asks before anything is written.
@Suite struct FirstRunConfirmTests {
    typealias F = Fixture

    static func firstRunState() -> ConsoleState {
        var s = F.state(size: Size(width: 120, height: 40))
        let snap = F.snapshot { scripts in scripts[1].bootstrapped = false }
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(snap)))
        return s
    }

    @Test func syncOnAFirstRunPreviewsFirstAndRunsOnlyWhenConfirmed() {
        var s = Self.firstRunState()
        #expect(F.press(&s, [.char("S")]) == [.firstRunPreview], "a dry run first, not the sync")
        let plan = FirstRunPlan(adopted: 12, writes: 3, review: 2)
        _ = ConsoleReducer.reduce(&s, .result(.firstRunPreview, .firstRunPlan(plan)))
        guard case .confirm(let c)? = s.modal else { Issue.record("no confirm dialog: \(String(describing: s.modal))"); return }
        #expect(c.lines.contains { $0.hasPrefix("12 users already hold") } && c.lines.contains { $0.hasPrefix("3 users hold less") })
        #expect(c.effect == .syncNow(dryRun: false) && !c.focusOnConfirm, "the dialog opens on Cancel")
        #expect(F.press(&s, [.enter]).isEmpty && s.modal == nil, "Enter on Cancel writes nothing")

        _ = ConsoleReducer.reduce(&s, .result(.firstRunPreview, .firstRunPlan(plan)))
        #expect(F.press(&s, [.tab, .enter]) == [.syncNow(dryRun: false)])
    }

    @Test func oncePastTheFirstRunSyncRunsAtOnce() {
        var s = F.state(size: Size(width: 120, height: 40))
        #expect(F.press(&s, [.char("S")]) == [.syncNow(dryRun: false)])
    }

    @Test func aDryRunNeedsNoConfirmation() {
        var s = Self.firstRunState()
        _ = ConsoleReducer.reduce(&s, .result(.setDryRun(true), .modes(ModeReport(dryRun: true, readOnly: false, version: 9))))
        #expect(F.press(&s, [.char("S")]) == [.syncNow(dryRun: true)])
    }
}
