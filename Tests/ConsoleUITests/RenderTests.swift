import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

@Suite struct RenderTests {
    static let sizes = [Size(width: 80, height: 24), Size(width: 200, height: 60)]

    @Test(arguments: sizes) func everyPaneShowsItsContent(size: Size) {
        let s = Fixture.state(size: size)
        let screen = s.screen
        #expect(screen.size == size)
        for title in ["1 Scripts", "2 Users", "3 Review", "4 Retry", "5 Session", "6 Log"] {
            #expect(screen.contains(title), "\(title) missing at \(size)")
        }
        #expect(screen.lines[0].contains("AccessConsole"))
        #expect(screen.lines[0].contains("config.json"))
        #expect(screen.lines[0].contains("LIVE"))
        #expect(screen.lines[0].contains("session ✓ valid"))
        #expect(screen.contains("Alpha Trend"))
        #expect(screen.contains("Alice"))
        #expect(screen.contains("lifetime"))
        #expect(screen.contains("slow_sam"))
        #expect(screen.contains("@jonh smith"))
        #expect(screen.contains("vendor"))
        // the footer lists the focused pane's keys
        #expect(screen.lines[size.height - 1].contains("extend"))
        if size.width >= 200 {
            #expect(screen.contains("alice@example.com"))
            #expect(screen.contains("503 from"), "the last error shows at a wide terminal")
        }
    }

    @Test func expiryColoursAndStatusWords() {
        let screen = Fixture.state(size: Size(width: 200, height: 60)).screen
        #expect(screen.contains("expired"))
        #expect(screen.contains("expiring"))
        #expect(screen.style(of: "expired")?.fg == .red)
        #expect(screen.style(of: "expiring")?.fg == .yellow)
        #expect(screen.contains("∞"))
    }

    @Test func selectionIsMarkedNotOnlyColoured() {
        let s = Fixture.state()
        let screen = s.screen
        let row = screen.lines.first { $0.contains("▶") && $0.contains("Alice") }
        #expect(row != nil)
        #expect(screen.style(of: "Alice")?.reverse == true)
    }

    @Test func dryRunAndReadOnlyShowInHeader() {
        var s = Fixture.state(readOnly: true)
        #expect(Fixture.press(&s, [.char("d")]) == [.setDryRun(true)])
        _ = ConsoleReducer.reduce(&s, .result(.setDryRun(true), .modes(ModeReport(dryRun: true, readOnly: true, version: 2))))
        let header = s.screen.lines[0]
        #expect(header.contains("DRY RUN"))
        #expect(header.contains("READ-ONLY"))
        #expect(s.screen.style(of: "DRY RUN")?.reverse == true)
        #expect(s.screen.lines[23].contains("read-only"))
    }

    @Test func syncProgressInHeader() {
        var s = Fixture.state(size: Size(width: 200, height: 60))
        let run = RunProgress(run: "r1", kind: .sync, dryRun: false)
        var p = run; p.done = 5; p.total = 10; p.granted = 3; p.ratePerMinute = 24
        _ = ConsoleReducer.reduce(&s, .core([.runStart(run), .runProgress(p)]))
        let header = s.screen.lines[0]
        #expect(header.contains("5/10"))
        #expect(header.contains("+3 granted"))
        #expect(header.contains("24/min"))
        #expect(header.contains("█"))
        let effects = ConsoleReducer.reduce(&s, .core([.runDone(run: "r1", kind: .sync, SyncSummary())]))
        #expect(effects == [.loadOverview])
        #expect(s.screen.lines[0].contains("sync idle"))
        _ = ConsoleReducer.reduce(&s, .core([.runProgress(p)]))
        #expect(s.screen.lines[0].contains("sync idle"), "a progress report that arrives after the end changes nothing")
    }

    @Test func aRetryPassLeavesTheHeaderWhenItEnds() {
        var s = Fixture.state(size: Size(width: 200, height: 60))
        var p = RunProgress(run: "r2", kind: .retry, dryRun: false); p.total = 1
        _ = ConsoleReducer.reduce(&s, .core([.runStart(p)]))
        #expect(s.screen.lines[0].contains("retry"))
        p.done = 1
        _ = ConsoleReducer.reduce(&s, .core([.runProgress(p), .runDone(run: "r2", kind: .retry, SyncSummary())]))
        #expect(s.screen.lines[0].contains("sync idle"))
    }

    @Test func anotherProcessSyncShowsUntilItsLockIsGone() {
        var s = Fixture.state(size: Size(width: 200, height: 60))
        _ = ConsoleReducer.reduce(&s, .result(.pollLock, .others(OtherProcesses(lockHolder: 4242))))
        #expect(s.screen.lines[0].contains("sync running (pid 4242)"), "the lock alone shows another process's run")
        var p = RunProgress(run: "d1", kind: .sync, dryRun: false); p.done = 2; p.total = 8
        var e = AccessEvent.runProgress(p); e.pid = 4242
        _ = ConsoleReducer.reduce(&s, .core([e]))
        var snap = Fixture.snapshot()
        snap.others.lockHolder = 4242
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(snap)))
        #expect(s.screen.lines[0].contains("2/8") && s.screen.lines[0].contains("pid 4242"),
                "a reload keeps the streamed progress of the same run")
        _ = ConsoleReducer.reduce(&s, .result(.pollLock, .others(OtherProcesses(lockHolder: nil))))
        #expect(s.screen.lines[0].contains("sync idle"), "it died or ended unseen: the lock is gone, so is the run")
    }

    @Test(arguments: sizes) func dialogsRender(size: Size) {
        var s = Fixture.state(size: size)
        Fixture.press(&s, [.char("r")])
        #expect(s.screen.contains("Revoke Alice's access to Alpha Trend?"))
        #expect(s.screen.contains("[ Cancel ]"))
        Fixture.press(&s, [.escape, .char("e")])
        #expect(s.screen.contains("Extend Alice"))
        #expect(s.screen.contains("lifetime"))
        #expect(s.screen.contains("Term:"))
        Fixture.press(&s, [.escape, .char("v")])
        #expect(s.screen.contains("Validate a TradingView username"))
        Fixture.press(&s, [.escape, .char("?")])
        #expect(s.screen.contains("Help"))
        #expect(s.screen.contains(size.width >= 200 ? "revoke (marked or selected)" : "quit"))
        Fixture.press(&s, [.escape, .char(":")])
        #expect(s.screen.lines[size.height - 2].hasPrefix(":"))
        Fixture.press(&s, [.escape, .char("5"), .char("u")])
        #expect(s.screen.contains("Update TradingView session cookies"))
        #expect(s.screen.contains("sessionid_sign:"))
    }

    @Test func helpListsEveryKeyAndScrolls() {
        var s = Fixture.state(size: Size(width: 200, height: 60))
        Fixture.press(&s, [.char("?")])
        let text = s.screen.text
        for pane in ["Everywhere", "Users", "Review", "Retry", "Session", "Log"] { #expect(text.contains(pane)) }
        #expect(text.contains("dry-run on/off"))
        var small = Fixture.state()
        Fixture.press(&small, [.char("?"), .pageDown, .pageDown])
        #expect(small.modal == .help(HelpView(scroll: 20)))
        #expect(small.screen.contains("Help"))
    }

    @Test func logPaneAlignsColumnsAndShowsDetail() {
        var s = Fixture.state(size: Size(width: 200, height: 60))
        _ = ConsoleReducer.reduce(&s, .core([
            AccessEvent(time: Fixture.now, level: .error, kind: .actionFailed(.grant), script: "PUB;alpha", user: "carol",
                        message: "403 You are not the owner", fields: ["status": "403"]),
            AccessEvent(time: Fixture.now, level: .info, kind: .writeApplied(.grant), script: "PUB;alpha", user: "alice", message: "granted 1M"),
        ]))
        let screen = s.screen
        let err = screen.lines.first { $0.contains("grant.failed") }!
        let ok = screen.lines.first { $0.contains("grant.ok") }!
        #expect(err.range(of: "403 You")!.lowerBound.utf16Offset(in: err) - err.range(of: "grant.failed")!.lowerBound.utf16Offset(in: err)
                == ok.range(of: "granted")!.lowerBound.utf16Offset(in: ok) - ok.range(of: "grant.ok")!.lowerBound.utf16Offset(in: ok))
        #expect(screen.style(of: "403 You")?.fg == .red)
        // filter by level hides info
        Fixture.press(&s, [.char("6"), .char("l"), .char("l"), .char("l"), .char("l")])
        #expect(s.log.minLevel == .error)
        #expect(!s.screen.contains("grant.ok"))
        // pause, then Enter shows every field
        Fixture.press(&s, [.char("p"), .enter])
        #expect(s.screen.contains("status: 403"))
        #expect(s.screen.contains("message: 403 You are not the owner"))
    }

    @Test func tinyTerminalsAskToEnlargeAndNeverCrash() {
        var s = Fixture.state()
        for (w, h) in [(79, 24), (80, 23), (20, 5), (1, 1), (0, 0), (3, 40), (500, 2)] {
            _ = ConsoleReducer.reduce(&s, .resize(Size(width: w, height: h)))
            let screen = s.screen
            #expect(screen.size == Size(width: w, height: h))
            if w >= 20 && h >= 4 { #expect(screen.text.contains("Enlarge"), "\(w)x\(h)") }
        }
        _ = ConsoleReducer.reduce(&s, .resize(Size(width: 79, height: 24)))
        #expect(s.screen.contains("need 80x24, have 79x24"))
        // a storm of resizes with a modal open, then back to normal
        _ = ConsoleReducer.reduce(&s, .resize(Size(width: 80, height: 24)))
        Fixture.press(&s, [.char("r")])
        for i in 0..<300 { _ = ConsoleReducer.reduce(&s, .resize(Size(width: (i * 37) % 230, height: (i * 13) % 70))); _ = s.screen }
        _ = ConsoleReducer.reduce(&s, .resize(Size(width: 80, height: 24)))
        #expect(s.screen.contains("Revoke Alice's access"))
        Fixture.press(&s, [.escape])
        #expect(s.screen.contains("2 Users"))
    }

    @Test func zoomShowsOnePaneFullScreen() {
        var s = Fixture.state(extraUsers: 100)
        Fixture.press(&s, [.char("z")])
        let screen = s.screen
        #expect(screen.contains("2 Users"))
        #expect(!screen.contains("1 Scripts"))
        #expect(screen.lines.filter { $0.contains("@example.com") || $0.contains("extra") }.count >= 15)
    }

    @Test func wideCharactersInTableStayAligned() {
        var s = Fixture.state(size: Size(width: 200, height: 60))
        let snap = Fixture.snapshot { $0[0].apply(.upsertUser(Fixture.user("Zoë", email: "東京😀@example.jp", days: 50))) }
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(snap)))
        let screen = s.screen
        let wide = screen.lines.first { $0.contains("東京😀@example.jp") }!
        let plain = screen.lines.first { $0.contains("alice@example.com") }!
        #expect(CharWidth.of(String(wide[..<wide.range(of: "2025-")!.lowerBound]))
                == CharWidth.of(String(plain[..<plain.range(of: "2025-")!.lowerBound])))
    }
}
