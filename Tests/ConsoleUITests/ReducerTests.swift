import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

@Suite struct ReducerTests {
    @Test func filterAsYouTypeAndClear() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("/")] + Fixture.type("CAR"))
        #expect(s.users.count == 1)
        #expect(s.users.selected?.username == "Carol")
        #expect(s.screen.contains("/CAR"))
        #expect(s.screen.contains("1 of 4"))
        Fixture.press(&s, [.backspace, .backspace, .backspace] + Fixture.type("example"))
        #expect(s.users.count == 4)
        Fixture.press(&s, [.enter])
        #expect(s.modal == nil && s.users.filter == "example")
        Fixture.press(&s, [.char("/"), .escape])
        #expect(s.users.filter.isEmpty && s.users.count == 4)
    }

    @Test func incrementalFilterMatchesFullFilter() {
        var t = UsersTable(users: SampleUsers.make(count: 3000, now: Fixture.now))
        for (i, ch) in "user12".enumerated() { t.setFilter(String("user12".prefix(i)) + String(ch)) }
        var fresh = UsersTable(users: SampleUsers.make(count: 3000, now: Fixture.now))
        fresh.setFilter("user12")
        func shown(_ t: UsersTable) -> [String] { (0..<t.count).compactMap { t.row(at: $0)?.username } }
        #expect(shown(t) == shown(fresh))
        #expect(t.count == 111)   // user12, user120-129, user1200-1299
        t.setFilter("user1")
        fresh.setFilter("user1")
        #expect(shown(t) == shown(fresh))
    }

    @Test func sortByEveryColumnAndReverse() {
        var s = Fixture.state()
        #expect(s.users.row(at: 0)?.username == "Alice")
        Fixture.press(&s, [.char("o")])          // email
        #expect(s.users.sortColumn == .email)
        Fixture.press(&s, [.char("o")])          // expiry: expired first, lifetime last
        #expect(s.users.sortColumn == .expiry)
        #expect(s.users.row(at: 0)?.username == "bob_lapsed")
        #expect(s.users.row(at: 3)?.username == "dave_forever")
        Fixture.press(&s, [.char("O")])
        #expect(s.users.row(at: 0)?.username == "dave_forever")
        #expect(s.screen.contains("Expiry▼"))
        for _ in 0..<4 { Fixture.press(&s, [.char("o")]) }
        #expect(s.users.sortColumn == .username)
    }

    @Test func grantFlowAsksNameThenTerm() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("g")] + Fixture.type(" @NewUser "))
        #expect(s.screen.contains("Grant access to Alpha Trend"))
        #expect(Fixture.press(&s, [.enter]).isEmpty)
        guard case .termPicker(let t) = s.modal else { Issue.record("no term picker"); return }
        #expect(t.target == .grant(script: "PUB;alpha", user: "NewUser"))
        let effects = Fixture.press(&s, [.down, .down, .down, .enter])   // nothing -> 7D -> 1M -> 3M
        #expect(effects == [.grant(script: "PUB;alpha", user: "NewUser", term: .months(3))])
        #expect(s.inFlight.count == 1)
        #expect(s.screen.lines[22].contains("grant NewUser 3M"))
        // the answer reloads the data
        let next = ConsoleReducer.reduce(&s, .result(effects[0], .message("granted NewUser 3M")))
        #expect(next == [.loadOverview])
        #expect(s.status?.text == "granted NewUser 3M" && s.status?.isError == false)
    }

    @Test func typedTermAndBadTerm() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("e")])
        #expect(Fixture.press(&s, Fixture.type("2X") + [.enter]).isEmpty)
        guard case .termPicker(let t) = s.modal else { Issue.record("the picker should stay open"); return }
        #expect(t.error?.contains("not a term") == true)
        #expect(s.screen.contains("\"2X\" is not a term"))
        let e = Fixture.press(&s, [.backspace, .backspace] + Fixture.type("2W") + [.enter])
        #expect(e == [.extend(script: "PUB;alpha", users: ["Alice"], term: .days(14))])
    }

    @Test func grantRejectsImpossibleNames() {
        var s = Fixture.state()
        let e = Fixture.press(&s, [.char("g")] + Fixture.type("bad name!") + [.enter])
        #expect(e.isEmpty)
        #expect(s.status?.isError == true)
        if case .prompt = s.modal {} else { Issue.record("prompt should stay open") }
    }

    @Test func revokeConfirmStartsOnCancel() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("r")])
        #expect(s.screen.contains("Revoke Alice's access to Alpha Trend?"))
        #expect(Fixture.press(&s, [.enter]).isEmpty)    // Enter on Cancel
        #expect(s.modal == nil)
        Fixture.press(&s, [.char("r")])
        #expect(Fixture.press(&s, [.escape]).isEmpty)
        Fixture.press(&s, [.char("r"), .right])
        #expect(s.screen.contains("[ Revoke ]"))
        #expect(Fixture.press(&s, [.enter]) == [.revoke(script: "PUB;alpha", users: ["Alice"])])
    }

    @Test func bulkRevokeNeedsTheCountTyped() {
        var s = Fixture.state()
        Fixture.press(&s, [.char(" "), .char(" "), .char(" ")])   // marks Alice, bob_lapsed, Carol
        #expect(s.users.marked.count == 3)
        #expect(s.screen.contains("3 marked"))
        Fixture.press(&s, [.char("r")])
        #expect(s.screen.contains("Type 3 and press Enter"))
        #expect(Fixture.press(&s, Fixture.type("2") + [.enter]).isEmpty)
        #expect(s.status?.text.contains("type 3") == true)
        let e = Fixture.press(&s, [.backspace] + Fixture.type("3") + [.enter])
        #expect(e == [.revoke(script: "PUB;alpha", users: ["Alice", "Carol", "bob_lapsed"])])
        // extend acts on the marked users too
        Fixture.press(&s, [.char("e")])
        #expect(s.screen.contains("Extend 3 marked users"))
    }

    @Test func reviewFixValidatesThenGrants() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("3"), .enter])
        #expect(s.screen.contains("typed \"@jonh smith\""))
        // the typed name cannot be valid (space); fix it
        #expect(Fixture.press(&s, [.enter]).isEmpty)
        #expect(s.status?.isError == true)
        let e = Fixture.press(&s, [.ctrl("u")] + Fixture.type("john_smith") + [.enter])
        #expect(e == [.resolveReview(script: "PUB;alpha", id: "tx-9", newName: "john_smith")])
        #expect(ConsoleReducer.reduce(&s, .result(e[0], .failed("no TradingView user named john_smith"))) == [.loadOverview])
        #expect(s.status?.isError == true)
        #expect(s.log.buffer[s.log.buffer.endSeq - 1]?.event.message.contains("no TradingView user named john_smith") == true)
    }

    @Test func reviewDismissNeedsReasonAndResend() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("3")])
        #expect(Fixture.press(&s, [.char("m")]) == [.resendReviewEmail(script: "PUB;alpha", id: "tx-9")])
        Fixture.answer(&s)
        #expect(Fixture.press(&s, [.char("x"), .enter]).isEmpty)
        #expect(Fixture.press(&s, Fixture.type("duplicate order") + [.enter])
                == [.dismissReview(script: "PUB;alpha", id: "tx-9", reason: "duplicate order")])
    }

    @Test func retryKeys() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("4")])
        #expect(Fixture.press(&s, [.char("r")]) == [.retryNow(script: "PUB;alpha", id: "tx-5")])
        Fixture.answer(&s)
        #expect(Fixture.press(&s, [.char("A")]) == [.retryAll])
        Fixture.answer(&s)
        #expect(Fixture.press(&s, [.char("x"), .enter]).isEmpty)
        #expect(Fixture.press(&s, [.char("x"), .tab, .enter]) == [.dropRetry(script: "PUB;alpha", id: "tx-5")])
    }

    @Test func cookieUpdateIsMaskedAndTestedBeforeSave() {
        var s = Fixture.state(size: Size(width: 200, height: 60))
        let secret = "s3cr3t-session-value", sign = "v2:sign-value-xyz"
        Fixture.press(&s, [.char("5"), .char("u")] + Fixture.type(secret))
        #expect(!s.screen.text.contains(secret))
        #expect(!s.screen.text.contains("s3cr3t"))
        #expect(s.screen.contains("(\(secret.count) chars)"))
        #expect(Fixture.press(&s, [.enter]).isEmpty)     // to the second field
        let e = Fixture.press(&s, Fixture.type(sign) + [.enter])
        #expect(!s.screen.text.contains("sign-value"))
        #expect(e == [.setCookies(sessionid: secret, sessionidSign: sign)])
        #expect(!e[0].description.contains(secret))
        #expect(!String(describing: s).contains(secret), "masked fields never describe their text")
        _ = ConsoleReducer.reduce(&s, .result(e[0], .session(SessionStatusInfo(status: .stale, lastResult: "401"))))
        #expect(s.status?.isError == true)
        #expect(s.screen.contains("session ✗ STALE"))
        guard case .cookies(let form) = s.modal, !form.pending else { Issue.record("a rejection keeps the form"); return }
        Fixture.press(&s, [.escape])
        #expect(s.modal == nil, "Esc drops the secrets")
        _ = ConsoleReducer.reduce(&s, .result(e[0], .session(SessionStatusInfo(status: .valid, account: "vendor"))))
        #expect(s.status?.text == "cookies tested and saved (account vendor)")
    }

    @Test func cookieFormCancelSavesNothing() {
        var s = Fixture.state()
        let e = Fixture.press(&s, [.char("5"), .char("u")] + Fixture.type("abc") + [.escape])
        #expect(e.isEmpty && s.modal == nil)
    }

    @Test func resyncShowsDiffAndAppliesOnConfirm() {
        var s = Fixture.state()
        #expect(Fixture.press(&s, [.char("s")]) == [.resyncPreview(script: "PUB;alpha")])
        let diff = ResyncDiff(script: "PUB;alpha", rows: [
            .init(kind: .missingRemote, username: "Alice", localExpiry: Fixture.now, remoteExpiry: nil),
            .init(kind: .unknownLocal, username: "ghost", localExpiry: nil, remoteExpiry: nil)])
        _ = ConsoleReducer.reduce(&s, .result(.resyncPreview(script: "PUB;alpha"), .resyncDiff(diff)))
        #expect(s.screen.contains("Resync Alpha Trend: 2 differences"))
        #expect(s.screen.contains("missing on TradingView: Alice"))
        #expect(s.screen.contains("-> grant on TradingView until 2025-06-15 (master data wins)"))
        #expect(s.screen.contains("unknown locally: ghost"))
        #expect(Fixture.press(&s, [.right, .enter]) == [.resyncApply(script: "PUB;alpha")])
        _ = ConsoleReducer.reduce(&s, .result(.resyncPreview(script: "PUB;alpha"), .resyncDiff(ResyncDiff(script: "PUB;alpha", rows: []))))
        #expect(s.modal == nil && s.status?.text == "Alpha Trend is in step with TradingView")
    }

    @Test func readOnlyRefusesWritesAndSaysSo() {
        var s = Fixture.state(readOnly: true)
        for key: Key in [.char("g"), .char("r"), .char("e"), .char("s"), .char("S")] {
            #expect(Fixture.press(&s, [key]).isEmpty)
            #expect(s.modal == nil)
            #expect(s.status?.text.hasPrefix("read-only") == true)
        }
        #expect(Fixture.press(&s, [.char(":")] + Fixture.type("grant bob 1M") + [.enter]).isEmpty)
        #expect(s.status?.text.contains("read-only") == true)
        #expect(!s.screen.lines[23].contains("grant"))
        #expect(Fixture.press(&s, [.char("v"), .ctrl("u")] + Fixture.type("x") + [.enter]) == [.validate("x")])
    }

    @Test func commandLine() {
        var s = Fixture.state()
        #expect(Fixture.press(&s, [.char(":")] + Fixture.type("grant @bob 1M") + [.enter])
                == [.grant(script: "PUB;alpha", user: "bob", term: .months(1))])
        Fixture.press(&s, [.char(":")] + Fixture.type("script beta") + [.enter])
        #expect(s.selectedScript == "PUB;beta")
        #expect(s.users.row(at: 0)?.username == "zed")
        Fixture.press(&s, [.char(":")] + Fixture.type("frobnicate") + [.enter])
        #expect(s.status?.text.contains("unknown command") == true)
        _ = ConsoleReducer.reduce(&s, .result(.grant(script: "PUB;alpha", user: "bob", term: .months(1)), .message("granted")))
        #expect(Fixture.press(&s, [.char(":")] + Fixture.type("quit") + [.enter]) == [.quit])
        #expect(s.quitRequested)
    }

    @Test func quitAsksWhileAWriteIsInFlight() {
        var s = Fixture.state()
        let g = Fixture.press(&s, [.char(":")] + Fixture.type("grant bob 1M") + [.enter])
        #expect(Fixture.press(&s, [.char("q")]).isEmpty)
        #expect(s.screen.contains("Still running: grant bob 1M on PUB;alpha"))
        #expect(Fixture.press(&s, [.enter]).isEmpty)          // Cancel
        #expect(!s.quitRequested)
        _ = ConsoleReducer.reduce(&s, .result(g[0], .message("ok")))
        #expect(Fixture.press(&s, [.char("q")]) == [.quit])
    }

    @Test func paneSwitchingAndScriptSelection() {
        var s = Fixture.state()
        #expect(s.focus == .users)
        Fixture.press(&s, [.tab]); #expect(s.focus == .review)
        Fixture.press(&s, [.backTab, .backTab]); #expect(s.focus == .scripts)
        Fixture.press(&s, [.char("j")])
        #expect(s.selectedScript == "PUB;beta")
        #expect(s.screen.contains("zed"))
        Fixture.press(&s, [.enter]); #expect(s.focus == .users)
        Fixture.press(&s, [.char("6")]); #expect(s.focus == .log)
    }

    @Test func navigationKeysMoveAndScroll() {
        var s = Fixture.state(extraUsers: 500)
        Fixture.press(&s, [.end])
        #expect(s.users.cursor.selected == 503)
        #expect(s.screen.contains("504/504"))
        Fixture.press(&s, [.home, .pageDown])
        #expect(s.users.cursor.selected == s.listHeight(.users))
        Fixture.press(&s, [.char("k")])
        #expect(s.users.cursor.selected == s.listHeight(.users) - 1)
    }

    @Test func copyUsesOSC52Effect() {
        var s = Fixture.state()
        #expect(Fixture.press(&s, [.char("y")]) == [.copyToClipboard("Alice")])
        #expect(Fixture.press(&s, [.char("Y")]) == [.copyToClipboard("alice@example.com")])
        #expect(s.inFlight.isEmpty)
    }

    @Test func aSecondChangeWaitsForTheFirst() {
        var s = Fixture.state()
        #expect(Fixture.press(&s, [.char("S")]) == [.syncNow(dryRun: false)])
        #expect(Fixture.press(&s, [.char("S")]) == [], "a second sync while the first runs")
        #expect(s.status?.text.contains("still running: sync") == true)
        #expect(s.inFlight == [.syncNow(dryRun: false)])
        _ = ConsoleReducer.reduce(&s, .result(.syncNow(dryRun: false), .failed("done for the test")))
        let stillWriting = s.inFlight.contains(where: \.isExclusive)
        #expect(!stillWriting)
        #expect(Fixture.press(&s, [.char("S")]) == [.syncNow(dryRun: false)], "free again once it answered")
    }

    @Test func dryRunToggleAsksTheServicesAndShowsTheirAnswer() {
        var s = Fixture.state()
        #expect(Fixture.press(&s, [.char("d")]) == [.setDryRun(true)])
        #expect(!s.dryRun && s.screen.lines[0].contains("LIVE"), "nothing changes until the services say so")
        #expect(Fixture.press(&s, [.char("S")]) == [], "no write overtakes a mode change")
        _ = ConsoleReducer.reduce(&s, .result(.setDryRun(true), .modes(ModeReport(dryRun: true, readOnly: false, version: 2))))
        #expect(s.screen.lines[0].contains("DRY RUN"))
        #expect(Fixture.press(&s, [.char("S")]) == [.syncNow(dryRun: true)])
        #expect(Fixture.press(&s, [.char("d")]) == [], "the mode stays while a write runs")
        #expect(s.status?.text.contains("still dry run while dry-run sync runs") == true)
    }

    /// The race seen live: a reload read before the toggle answers after it. The older report loses.
    @Test func anOlderReportNeverOverwritesANewerMode() {
        var s = Fixture.state()
        let effects = Fixture.press(&s, [.ctrl("l"), .char("d")])
        #expect(effects == [.loadOverview, .setDryRun(true)])
        _ = ConsoleReducer.reduce(&s, .result(.setDryRun(true), .modes(ModeReport(dryRun: true, readOnly: false, version: 2))))
        var stale = Fixture.snapshot()
        stale.modes = ModeReport(dryRun: false, readOnly: false, version: 1)
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(stale)))
        #expect(s.dryRun && s.screen.lines[0].contains("DRY RUN"))
        #expect(Fixture.press(&s, [.char("S")]) == [.syncNow(dryRun: true)], "the next write runs as the header says")
    }

    @Test func logRingBufferIsBoundedAndPauseHoldsPosition() {
        var s = try! ConsoleState(size: Size(width: 80, height: 24), now: Fixture.now, options: ConsoleOptions(logCapacity: 100))
        _ = ConsoleReducer.reduce(&s, .core((0..<250).map { AccessEvent(kind: .unknown("e.\($0)"), message: "m\($0)") }))
        #expect(s.log.buffer.count == 100)
        #expect(s.log.buffer.firstSeq == 150)
        #expect(s.screen.contains("e.249"))
        Fixture.press(&s, [.char("6"), .char("p"), .char("k"), .char("k")])
        #expect(s.log.selectedSeq == 247)
        _ = ConsoleReducer.reduce(&s, .core([AccessEvent(kind: .unknown("e.new"), message: "later")]))
        #expect(s.log.selectedSeq == 247)
        #expect(!s.screen.contains("e.new"))
        Fixture.press(&s, [.char("p")])
        #expect(s.screen.contains("e.new"))
        Fixture.press(&s, [.char("/")] + Fixture.type("m17"))
        #expect(s.log.window(height: 50).map(\.entry.event.name) == ["e.170", "e.171", "e.172", "e.173", "e.174", "e.175", "e.176", "e.177", "e.178", "e.179"])
    }
}
