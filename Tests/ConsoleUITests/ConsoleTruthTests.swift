import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

/// The console says what it does: each defect seen by a new user, pinned by a test.
@Suite struct ConsoleTruthTests {
    /// The fixture plus a refund review and a retry on a second script whose id repeats the first's.
    static func state(size: Size = Size(width: 120, height: 40)) -> ConsoleState {
        let now = Fixture.now
        let snap = Fixture.snapshot { scripts in
            scripts[1].apply(.putReview(ReviewItem(id: "tx-7", reason: .refund, typedName: "RefundRita", email: "rita@example.com",
                                                        transactionId: "tx-7", productId: "8", term: nil, detail: "refunded 9.00",
                                                        createdAt: now.addingTimeInterval(-60))))
            scripts[1].apply(.putRetry(RetryItem(id: "tx-5", operation: .extend, username: "beta_bill", email: nil, term: .months(1),
                                                      transactionId: "tx-5", attempts: 1, nextAttemptAt: now.addingTimeInterval(600),
                                                      lastError: "timeout", createdAt: now)))
        }
        var s = try! ConsoleState(size: size, now: now, options: ConsoleOptions(color: true))
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(snap)))
        return s
    }

    // 2. A refund row offers neither the username mail nor the name fix, and its keys say why.
    @Test func aRefundRowOffersNoUsernameActions() {
        var s = Self.state()
        Fixture.press(&s, [.char("3"), .char("j")])
        #expect(s.selectedReview?.item.reason == .refund)
        let footer = s.screen.lines[39]
        #expect(!footer.contains("resend email") && !footer.contains("fix name"), "footer: \(footer)")
        #expect(footer.contains("dismiss"))
        #expect(Fixture.press(&s, [.char("m")]).isEmpty)
        #expect(s.status?.isError == true && s.status?.text.contains("refund") == true)
        #expect(Fixture.press(&s, [.enter]).isEmpty)
        #expect(s.modal == nil, "no Fix username dialog for a refund")
        Fixture.press(&s, [.char("k")])
        #expect(s.screen.lines[39].contains("resend email"), "a bad-name row still offers it")
    }

    // 3. While the terminal is too small to show anything, no key but q acts.
    @Test func keysDoNothingOnAHiddenScreen() {
        var s = Self.state()
        Fixture.press(&s, [.char("2"), .char("r")])
        guard case .confirm = s.modal else { Issue.record("no revoke dialog"); return }
        _ = ConsoleReducer.reduce(&s, .resize(Size(width: 40, height: 10)))
        #expect(s.screen.contains("Enlarge the terminal"))
        #expect(Fixture.press(&s, [.right, .enter]).isEmpty, "the revoke must not run unseen")
        _ = ConsoleReducer.reduce(&s, .resize(Size(width: 120, height: 40)))
        guard case .confirm(let c) = s.modal else { Issue.record("the dialog is still up, untouched"); return }
        #expect(!c.focusOnConfirm)
    }

    // 4. Retry all means all scripts; the Retry and Review panes name each row's script.
    @Test func retryAllCoversEveryScriptAndRowsNameTheirScript() {
        var s = Self.state()
        Fixture.press(&s, [.char("4")])
        #expect(s.retryRows.map(\.script).sorted() == ["PUB;alpha", "PUB;beta"])
        #expect(Fixture.press(&s, [.char("A")]) == [.retryAll])
        let screen = s.screen
        #expect(screen.lines.contains { $0.contains("slow_sam") && $0.contains("Alpha") })
        #expect(screen.lines.contains { $0.contains("beta_bill") && $0.contains("Beta") })
        #expect(screen.lines.contains { $0.contains("RefundRita") && $0.contains("Beta") })
    }

    // 6. Bytes of a sequence curses did not know never act as keys.
    @Test func unknownEscapeSequencesAreSwallowed() {
        func bytes(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }
        #expect(EscapeSequence.decode([]) == [.escape])
        #expect(EscapeSequence.decode(bytes("[4~")) == [.end])
        #expect(EscapeSequence.decode(bytes("[1~")) == [.home])
        #expect(EscapeSequence.decode(bytes("OF")) == [.end])
        #expect(EscapeSequence.decode(bytes("[1;5F")) == [.end])
        #expect(EscapeSequence.decode(bytes("[200~")) == [], "bracketed paste start: ignored, not keys")
        #expect(EscapeSequence.decode(bytes("[99X")) == [])
        #expect(EscapeSequence.decode(bytes("j")) == [.escape, .char("j")], "Esc then j typed fast: both count")
        #expect(!EscapeSequence.isComplete(bytes("[4")) && EscapeSequence.isComplete(bytes("[4~")))
    }

    // 7. Marks: documented, cleared by a bulk action that worked or by Esc, kept when it failed.
    @Test func marksAreDocumentedAndCleared() {
        var s = Self.state()
        #expect(s.keymap.bindings.contains { $0.action == .mark && $0.help.contains("move down") })
        Fixture.press(&s, [.char(" "), .char(" ")])
        #expect(s.users.marked.count == 2)
        let revoke = Effect.revoke(script: "PUB;alpha", users: s.users.targets)
        _ = ConsoleReducer.reduce(&s, .result(revoke, .failed("TradingView answered 503")))
        #expect(s.users.marked.count == 2, "a failed bulk action keeps its marks")
        _ = ConsoleReducer.reduce(&s, .result(revoke, .message("revoked 2 users")))
        #expect(s.users.marked.isEmpty)
        Fixture.press(&s, [.char(" "), .escape])
        #expect(s.users.marked.isEmpty, "Esc clears marks")
    }

    @Test func aFailedNameFixKeepsTheDialogAndWhatWasTyped() {
        var s = Self.state()
        Fixture.press(&s, [.char("3"), .enter, .ctrl("u")] + Fixture.type("JohnSmith"))
        let effects = Fixture.press(&s, [.enter])
        #expect(effects == [.resolveReview(script: "PUB;alpha", id: "tx-9", newName: "JohnSmith")])
        #expect(Fixture.press(&s, Fixture.type("zz")).isEmpty, "typing waits for the answer")
        let reason = "no TradingView user is named JohnSmith: ask the customer for the name on their profile page, then try again"
        _ = ConsoleReducer.reduce(&s, .result(effects[0], .failed(reason)))
        guard case .prompt(let p) = s.modal else { Issue.record("the dialog closed"); return }
        #expect(p.field.text == "JohnSmith" && p.error == reason)
        #expect(s.screen.contains("then try again"), "the whole reason is shown, wrapped")
        Fixture.press(&s, [.backspace] + Fixture.type("h"))
        #expect(Fixture.press(&s, [.enter]) == [.resolveReview(script: "PUB;alpha", id: "tx-9", newName: "JohnSmith")])
        _ = ConsoleReducer.reduce(&s, .result(.resolveReview(script: "PUB;alpha", id: "tx-9", newName: "JohnSmith"), .message("granted")))
        #expect(s.modal == nil)
    }

    @Test func rejectedCookiesKeepTheForm() {
        var s = Self.state()
        Fixture.press(&s, [.char("5"), .char("u")] + Fixture.type("bad-id") + [.tab] + Fixture.type("bad-sign"))
        let effects = Fixture.press(&s, [.enter])
        #expect(effects == [.setCookies(sessionid: "bad-id", sessionidSign: "bad-sign")])
        _ = ConsoleReducer.reduce(&s, .result(effects[0], .session(SessionStatusInfo(status: .stale, lastResult: "TradingView answered 401"))))
        guard case .cookies(let form) = s.modal else { Issue.record("the form closed"); return }
        #expect(form.sessionid.text == "bad-id" && form.error?.contains("401") == true)
        #expect(!s.screen.contains("bad-id"), "still masked")
    }

    @Test func statusLinesAreNewsAndGoStale() {
        var s = Self.state()
        Fixture.press(&s, [.char("o")])
        #expect(s.status != nil)
        _ = ConsoleReducer.reduce(&s, .tick(Fixture.now.addingTimeInterval(StatusMessage.lifetime + 1)))
        #expect(s.status == nil)
    }

    // 5. Another process's sync shows in the header without any key pressed: the clock polls the lock.
    @Test func theClockPollsTheSyncLock() {
        var s = Self.state()
        let effects = ConsoleReducer.reduce(&s, .tick(Fixture.now.addingTimeInterval(3)))
        #expect(effects == [.pollLock])
        #expect(ConsoleReducer.reduce(&s, .tick(Fixture.now.addingTimeInterval(4))).isEmpty, "not more than every 2 s")
        _ = ConsoleReducer.reduce(&s, .result(.pollLock, .others(OtherProcesses(lockHolder: 777))))
        #expect(s.screen.lines[0].contains("sync running (pid 777)"))
    }

    /// One registry: an action's name is also its `:` command, with the same rules as its key.
    @Test func everyActionIsACommandByName() {
        var s = Self.state()
        #expect(Fixture.press(&s, [.char(":")] + Fixture.type("retryAll") + [.enter]) == [.retryAll])
        Fixture.answer(&s)
        Fixture.press(&s, [.char("3"), .char("j")])
        #expect(Fixture.press(&s, [.char(":")] + Fixture.type("reviewResend") + [.enter]).isEmpty, "a refund row: refused as the key is")
        #expect(s.status?.text.contains("refund") == true)
        var ro = try! ConsoleState(size: Size(width: 120, height: 40), now: Fixture.now, options: ConsoleOptions(readOnly: true))
        _ = ConsoleReducer.reduce(&ro, .result(.loadOverview, .overview(Fixture.snapshot(readOnly: true))))
        #expect(Fixture.press(&ro, [.char(":")] + Fixture.type("syncNow") + [.enter]).isEmpty)
        #expect(ro.status?.text.contains("read-only") == true)
    }

    /// A daemon on the same data folder shows in the Session pane: where it listens, its last and
    /// next run, its webhooks; it goes when the daemon does.
    @Test func aDaemonOnTheSameFolderShowsInTheSessionPane() throws {
        var s = Self.state()
        let json = """
        {"pid": 4321, "listen": "127.0.0.1:8787", "startedAt": "2025-06-15T14:00:00Z", "updatedAt": "2025-06-15T15:00:00Z",
         "lastRun": {"id": 3, "kind": "sync", "trigger": "schedule", "dry_run": false, "started_at": "2025-06-15T15:00:00Z",
                     "finished_at": "2025-06-15T15:01:40Z", "outcome": "done"},
         "nextRunAt": "2025-06-15T15:20:00Z", "webhookPending": 1,
         "webhookCounts": {"transaction-completed": {"applied": 4, "unconfirmed": 1}}}
        """
        let decoder = JSONDecoder(); decoder.dateDecodingStrategy = .iso8601
        let daemon = try decoder.decode(DaemonStatusFile.self, from: Data(json.utf8))
        _ = ConsoleReducer.reduce(&s, .result(.pollLock, .others(OtherProcesses(daemon: daemon))))
        let screen = s.screen
        #expect(screen.contains("Daemon pid 4321 on 127.0.0.1:8787"))
        #expect(screen.contains("Last run 5m ago: done"))
        #expect(screen.contains("Next 13m · 5 webhooks, 1 pending"))
        _ = ConsoleReducer.reduce(&s, .result(.pollLock, .others(OtherProcesses())))
        #expect(!s.screen.contains("Daemon pid"))
    }
}
