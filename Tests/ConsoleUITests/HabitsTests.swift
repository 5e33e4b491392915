import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

/// Issue 21, parts 3 and 4: the habits a new admin brings, and details that must be true.
@Suite struct HabitsTests {
    @Test func nAndNSearchWithoutHidingRows() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("n")])
        guard case .prompt = s.modal else { Issue.record("n without a search asks for one"); return }
        Fixture.press(&s, Fixture.type("_") + [.enter])
        #expect(s.users.selected?.username == "bob_lapsed")
        #expect(s.users.count == 4, "a search hides nothing")
        Fixture.press(&s, [.char("n")])
        #expect(s.users.selected?.username == "dave_forever")
        Fixture.press(&s, [.char("n")])
        #expect(s.users.selected?.username == "bob_lapsed")
        #expect(s.status?.text.contains("wrapped to the top") == true)
        Fixture.press(&s, [.char("N")])
        #expect(s.users.selected?.username == "dave_forever")
    }

    @Test func escClearsAKeptFilterThenTheSearchThenTheMarks() {
        var s = Fixture.state()
        Fixture.press(&s, [.char(" ")])                                   // mark Alice
        Fixture.press(&s, [.char("/")] + Fixture.type("car") + [.enter])  // kept filter
        #expect(s.users.count == 1)
        Fixture.press(&s, [.escape])
        #expect(s.users.filter.isEmpty && s.users.count == 4 && s.users.marked.count == 1)
        Fixture.press(&s, [.escape])
        #expect(s.users.marked.isEmpty)
    }

    @Test func commandLineKeepsAHistory() {
        var s = Fixture.state()
        Fixture.press(&s, [.char(":")] + Fixture.type("script beta") + [.enter])
        Fixture.press(&s, [.char(":")] + Fixture.type("script alpha") + [.enter])
        Fixture.press(&s, [.char(":")] + Fixture.type("dr"))
        func line() -> String { if case .command(let l) = s.modal { return l.field.text } else { return "(closed)" } }
        Fixture.press(&s, [.up]); #expect(line() == "script alpha")
        Fixture.press(&s, [.up]); #expect(line() == "script beta")
        Fixture.press(&s, [.up]); #expect(line() == "script beta", "the oldest stays")
        Fixture.press(&s, [.down]); #expect(line() == "script alpha")
        Fixture.press(&s, [.down]); #expect(line() == "dr", "past the newest: what was being typed")
    }

    @Test func tabCompletesCommandsUsersTermsAndScripts() {
        var s = Fixture.state()
        func line() -> String { if case .command(let l) = s.modal { return l.field.text } else { return "(closed)" } }
        Fixture.press(&s, [.char(":")] + Fixture.type("gr") + [.tab])
        #expect(line() == "grant ")
        Fixture.press(&s, Fixture.type("ca") + [.tab])
        #expect(line() == "grant Carol ")
        Fixture.press(&s, Fixture.type("3") + [.tab])
        #expect(line() == "grant Carol 3M ")
        Fixture.press(&s, [.escape, .char(":")] + Fixture.type("retrya") + [.tab])
        #expect(line() == "retryAll ")
        Fixture.press(&s, [.escape, .char(":")] + Fixture.type("script be") + [.tab])
        #expect(line() == "script PUB;beta ")
        Fixture.press(&s, [.escape, .char(":")] + Fixture.type("user ") + [.tab])
        guard case .command(let l) = s.modal else { Issue.record("closed"); return }
        #expect(l.candidates == ["Alice", "bob_lapsed", "Carol", "dave_forever"])
        #expect(s.screen.contains("Tab: Alice  bob_lapsed  Carol  dave_forever"))
    }

    @Test func usernamePrefixLookupAt100kUsersFindsTheRightNames() {
        let index = UsersIndex(users: SampleUsers.make(count: 100_000, now: Fixture.now))
        let found = index.usernames(withPrefix: "USER9999", limit: 20)
        #expect(found.first?.lowercased().hasPrefix("user9999") == true)
        #expect(found.allSatisfy { $0.lowercased().hasPrefix("user9999") })
        #expect(found.count == 11)   // user9999, user99990-99999
    }

    @Test func helpIsSearchableAndNamesEveryActionsCommand() {
        let lines = HelpOverlay.lines(.standard, readOnly: false).joined(separator: "\n")
        for action in ConsoleAction.allCases { #expect(lines.contains(":" + action.rawValue), "help lacks :\(action.rawValue)") }
        var s = Fixture.state(size: Size(width: 120, height: 40))
        Fixture.press(&s, [.char("?")] + Fixture.type("retry all"))
        let screen = s.screen
        #expect(screen.contains(":retryAll"))
        #expect(!screen.contains(":quit"), "lines without the text are hidden")
        Fixture.press(&s, [.escape])
        #expect(s.screen.contains(":quit"), "Esc clears the search first")
        Fixture.press(&s, [.escape])
        #expect(s.modal == nil)
    }

    @Test func questionMarkStaysInTheFooterAt80Columns() {
        var s = Fixture.state()
        for pane in ["1", "2", "3", "4", "5", "6"] {
            Fixture.press(&s, [.char(Character(pane))])
            #expect(s.screen.lines[23].contains("? help"), "pane \(pane): \(s.screen.lines[23])")
        }
    }

    @Test func headerShowsLastAndNextSync() {
        var s = Fixture.state(size: Size(width: 160, height: 40))
        #expect(s.screen.lines[0].contains("sync idle · no sync seen yet: press S · next: none"))
        var sum = SyncSummary(dryRun: false)
        sum.granted = 2; sum.review = 1
        var done = AccessEvent.runDone(run: "r1", kind: .sync, sum)
        done.time = Fixture.now.addingTimeInterval(-240)
        _ = ConsoleReducer.reduce(&s, .core([done]))
        #expect(s.lastSync?.result == "ok +2")
        #expect(s.screen.lines[0].contains("last "), "\(s.screen.lines[0])")
        #expect(s.screen.lines[0].contains("sync idle · last 4m ago ok +2 · next: none"), "\(s.screen.lines[0])")
    }

    @Test func anEmptyScriptSaysWhatToPress() {
        var s = try! ConsoleState(size: Size(width: 80, height: 24), now: Fixture.now, options: ConsoleOptions(color: true))
        let empty = ConsoleSnapshot(configPath: "/x/config.json", scripts: [ScriptAccess(scriptId: "PUB;a", title: "A")],
                                    session: SessionStatusInfo(status: .valid), modes: ModeReport(dryRun: false, readOnly: false, version: 1))
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(empty)))
        #expect(s.screen.contains("Press S to sync purchases"))
    }

    @Test func aRevokedUserIsRevokedNotExpired() {
        var s = Fixture.state(size: Size(width: 160, height: 40))
        var snap = Fixture.snapshot { scripts in
            scripts[0].apply(.upsertUser(UserAccess(username: "gone", email: "g@example.com", expiry: Fixture.now.addingTimeInterval(-60),
                                                    history: [HistoryEntry(at: Fixture.now.addingTimeInterval(-60), actor: "admin", action: "revoke",
                                                                           expiry: Fixture.now.addingTimeInterval(-60))])))
        }
        snap.configPath = "/x"
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(snap)))
        let row = s.screen.lines.first { $0.contains("gone") } ?? ""
        #expect(row.contains("revoked") && !row.contains("expired"), "\(row)")
    }

    @Test func mSaysWhenTheMailWentAndAsksWithinTheHour() {
        var s = Fixture.state(size: Size(width: 160, height: 40))
        Fixture.press(&s, [.char("3")])
        #expect(Fixture.press(&s, [.char("m")]) == [.resendReviewEmail(script: "PUB;alpha", id: "tx-9")])
        #expect(s.status?.text.contains("last sent: never") == true)
        Fixture.answer(&s)
        let snap = Fixture.snapshot { scripts in
            var item = scripts[0].reviewQueue["tx-9"]!
            item.emailSentAt = Fixture.now.addingTimeInterval(-600)
            scripts[0].apply(.putReview(item))
        }
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(snap)))
        #expect(s.screen.lines.contains { $0.contains("@jonh smith") && $0.contains("10m") }, "the Mailed column")
        #expect(Fixture.press(&s, [.char("m")]).isEmpty, "sent 10 minutes ago: asks first")
        #expect(s.screen.contains("went out 10m ago"))
        #expect(Fixture.press(&s, [.right, .enter]) == [.resendReviewEmail(script: "PUB;alpha", id: "tx-9")])
    }

    @Test func aStatusLineEndsAtTheNextAction() {
        var s = Fixture.state()
        Fixture.press(&s, [.char("o")])
        #expect(s.status?.text == "sorted by Email")
        Fixture.press(&s, [.char("j")])
        #expect(s.status == nil)
    }

    @Test func progressStaysOutOfTheLogByDefault() {
        var s = Fixture.state(size: Size(width: 160, height: 40))
        let p = RunProgress(run: "r1", kind: .sync, dryRun: false)
        _ = ConsoleReducer.reduce(&s, .core([.runStart(p), .runProgress(p), .runProgress(p)]))
        #expect(!s.screen.contains("sync.progress"))
        #expect(s.screen.contains("sync.start"))
        Fixture.press(&s, [.char("6"), .char("P")])
        #expect(s.screen.contains("sync.progress"))
    }

    @Test func ctrlLSaysWhatItDid() {
        var s = Fixture.state()
        #expect(Fixture.press(&s, [.ctrl("l")]) == [.loadOverview])
        #expect(s.status?.text.contains("reloading") == true)
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(Fixture.snapshot())))
        #expect(s.status?.text.hasPrefix("reloaded 2 scripts, 5 users at ") == true, "\(s.status?.text ?? "")")
    }

    @Test func aStaleSessionSaysPressU() {
        var s = Fixture.state()
        _ = ConsoleReducer.reduce(&s, .core([AccessEvent(time: Fixture.now, kind: .sessionStale, message: "403")]))
        Fixture.press(&s, [.char("5")])
        #expect(s.screen.contains("Press u for new cookies"))
    }

    @Test func copyInsideTmuxWithoutSetClipboardClaimsNothing() {
        var s = Fixture.state()
        s.clipboard = .tmuxBlocks
        #expect(Fixture.press(&s, [.char("y")]).isEmpty)
        #expect(s.status?.text.contains("set-clipboard on") == true)
        #expect(ClipboardSupport.fromTmuxSetting("off\n") == .tmuxBlocks)
        #expect(ClipboardSupport.fromTmuxSetting("on\n") == .osc52)
    }
}
