import Foundation
import Testing
@testable import AccessCore

/// Issue 19: one mode, one outcome, one answer to "is the session usable", for every entry point.
@Suite struct OneTruthTests {
    typealias F = Fixture

    func actions(_ rig: EngineRig, modes: ModeAuthority, txs: [Transaction] = []) -> AccessActions {
        let now = rig.now
        return AccessActions(settings: SyncSettings(products: ["p1": F.product(.months(1), stacking: true)]),
                             store: rig.data, client: rig.tv, source: FakeSource(txs: txs), mailer: rig.mailer,
                             session: nil, events: rig.hub, runLock: nil, actorName: "alice-admin", modes: modes, clock: { now })
    }

    func seeded(_ rig: EngineRig) -> ScriptAccess {
        var s = F.state([F.user("Kim", F.date(2025, 3, 1))])
        s.retryQueue["5"] = RetryItem(id: "5", operation: .extend, username: "Kim", email: nil, term: .months(1), transactionId: "5",
                                      attempts: 2, nextAttemptAt: rig.now, lastError: "HTTP 502", createdAt: rig.now)
        s.reviewQueue["9"] = ReviewItem(id: "9", reason: .invalidUsername, typedName: "Kimm", email: "k@example.com", transactionId: "9",
                                        productId: "p1", term: .months(1), detail: "x", createdAt: rig.now)
        s.processedTransactions = ["9"]
        rig.data.put(s)
        rig.tv.existing = ["Kim", "Lee"]
        rig.tv.users[F.script] = ["kim": RemoteAccess(username: "Kim", expiry: F.date(2025, 3, 1))]
        return s
    }

    /// Seen: config's `dry_run` was OR-ed in at five entry points, and grant/extend/revoke/resolve wrote.
    @Test func aPinnedDryRunReachesEveryCommandAndEachSaysSo() async throws {
        let rig = EngineRig()
        let before = seeded(rig)
        let a = actions(rig, modes: ModeAuthority(ModePolicy(dryRun: false, readOnly: false, dryRunPinned: true)),
                        txs: [F.tx("20", "Lee")])
        let commands: [AccessCommand] = [
            .grant(script: F.script, users: ["Lee"], term: .months(1)), .extend(script: F.script, users: ["Kim"], term: .months(1)),
            .revoke(script: F.script, users: ["Kim"]), .resolveReview(script: F.script, id: "9", newName: "Kim"),
            .dismissReview(script: F.script, id: "9", reason: "dup"), .resendReviewEmail(script: F.script, id: "9"),
            .retryNow(script: F.script, id: "5"), .retryAll(script: nil), .dropRetry(script: F.script, id: "5"),
            .resync(script: F.script, apply: true), .sync, .apply(transactions: [F.tx("21", "Lee")]), .rebuild(script: F.script),
            .batchGrant(BatchGrantRequest(transactions: [F.tx("22", "Lee")], sheet: try Self.emptySheet(), csvPath: "/nonexistent/sheet.csv")),
        ]
        for c in commands {
            let o = await a.perform(c)
            #expect(o.dryRun, "\(c)")
            #expect(o.status.isSuccess, "\(c): \(o.message)")
            #expect(o.message.hasPrefix("dry run"), "\(c): \(o.message)")
        }
        #expect(rig.tv.writes.isEmpty, "nothing sent")
        #expect(rig.mailer.sent.isEmpty, "no mail")
        #expect(rig.state == before, "nothing kept")
        let names = rig.log.names()
        #expect(!names.contains { $0.hasSuffix(".ok") || $0 == "review.added" || $0 == "retry.added" }, "\(names)")
        #expect(names.contains("grant.would") && names.contains("review-resolve.would"))
        // Nothing lowers a pinned dry run: not the console's toggle, not a command.
        #expect(throws: ModeRefusal.dryRunPinned) { _ = try a.modes.setDryRun(false) }
    }

    /// Seen: read-only had two owners; the `:` line kept a third list.
    @Test func readOnlyRefusesWritesAndLetsReadsThrough() async throws {
        let rig = EngineRig()
        let before = seeded(rig)
        let modes = ModeAuthority(ModePolicy(dryRun: false, readOnly: false))
        modes.makeReadOnly()
        let a = actions(rig, modes: modes)
        let o = await a.perform(.grant(script: F.script, users: ["Lee"], term: .months(1)))
        #expect(o.status == .readOnly && o.exitCode == 2 && o.httpStatus == 403)
        #expect(await a.perform(.sync).status == .readOnly)
        // Cookies change no access, yet a read-only console changes nothing at all.
        #expect(await a.perform(.setCookies(SessionCookies(sessionid: "s1", sessionidSign: "s2"))).status == .readOnly)
        #expect(await a.perform(.testSession).status != .readOnly, "a session test only reads")
        let read = await a.perform(.resync(script: F.script, apply: false))
        #expect(read.status == .done && read.diff != nil)
        #expect(rig.tv.writes.isEmpty && rig.state == before)
        #expect(throws: ModeRefusal.readOnly) { _ = try modes.setDryRun(true) }
    }

    /// Seen: a manual grant that hit a temporary failure and was queued exited 0 and logged `grant.ok`.
    @Test func aQueuedManualWriteIsQueuedNotDone() async throws {
        let rig = EngineRig()
        _ = seeded(rig)
        rig.tv.fail(.transient("HTTP 503", retryAfter: nil))
        let o = await actions(rig, modes: ModeAuthority(ModePolicy(dryRun: false, readOnly: false)))
            .perform(.grant(script: F.script, users: ["Lee"], term: .months(1)))
        #expect(o.status == .queued && o.exitCode == 1 && !o.dryRun)
        #expect(rig.log.names().contains("grant.queued") && !rig.log.names().contains("grant.ok"))
        #expect(rig.state.retryQueue.values.contains { $0.username == "Lee" })
    }

    /// Seen: a run with incomplete parts exited 5 from the CLI while `/status`, `/metrics` and the alert
    /// called it "done". Now one status answers all of them.
    @Test func aRunsStatusComesFromItsCountsOnce() {
        var s = SyncSummary()
        #expect(OutcomeStatus(s) == .done)
        s.review = 1
        #expect(OutcomeStatus(s) == .queued && OutcomeStatus(s).isSuccess && s.exitCode == 1)
        s.incomplete = 1
        #expect(OutcomeStatus(s) == .partial && !OutcomeStatus(s).isSuccess && s.exitCode == 5)
        #expect(RunRecord.Outcome.partial.metricLabel == "partial")
        s.stale = true
        #expect(OutcomeStatus(s) == .stale && s.exitCode == 3)
        let old = try? JSONDecoder().decode([OutcomeStatus].self, from: Data("[\"locked\",\"done\"]".utf8))
        #expect(old == [.busy, .done], "status files written before the rename still load")
    }

    /// Seen: the session metric read 1 with no cookies; a missing vault never raised the alert.
    @Test func oneAnswerToWhetherTheSessionIsUsable() {
        #expect(SessionStatus(state: .valid).isUsable && SessionStatus(state: .unknown).isUsable)
        #expect(!SessionStatus(state: .stale).isUsable && !SessionStatus(state: .missing).isUsable)
    }

    /// The table in docs/ARCHITECTURE.md ("Outcomes") is the code's: every status, its exit code, HTTP
    /// status, metric label and sentence.
    @Test func theOutcomeTableInTheDocsIsTheCodes() throws {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/ARCHITECTURE.md")
        let text = try String(contentsOf: doc, encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `") }.map {
            $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        var seen = Set<OutcomeStatus>()
        for row in rows where row.count >= 5 {
            guard let status = OutcomeStatus(rawValue: row[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))) else { continue }
            seen.insert(status)
            #expect(row[1] == "\(status.exitCode)", "\(status) exit")
            #expect(row[2] == "\(status.httpStatus)", "\(status) http")
            #expect(row[3] == "`\(status.metricLabel)`", "\(status) metric")
            #expect(row[4] == status.sentence, "\(status) sentence")
        }
        #expect(seen == Set(OutcomeStatus.allCases), "every status has its row")
    }

    static func emptySheet() throws -> AccessSheet {
        try AccessSheet.parse(Data("script_id,username,expiration\n".utf8), file: "sheet.csv")
    }

    /// Seen: `perform` read the mode, then each write read it again: a toggle pressed while a command ran
    /// made the rest of it run in another mode than the outcome reported. Now a command runs whole in
    /// the mode it was admitted in.
    @Test func aCommandRunsWholeInTheModeItWasAdmittedIn() async throws {
        let rig = EngineRig()
        _ = seeded(rig)
        rig.tv.existing.insert("Max")
        let modes = ModeAuthority(ModePolicy(dryRun: false, readOnly: false))
        // The admin presses `d` the moment the first user's grant is done.
        rig.hub.addSink { event in
            if event.kind == .done(.grant) { _ = try? modes.setDryRun(true) }
        }
        let o = await actions(rig, modes: modes).perform(.grant(script: F.script, users: ["Lee", "Max"], term: .months(1)))
        #expect(o.status == .done && !o.dryRun && o.mode?.dryRun == false, "\(o.message)")
        #expect(rig.tv.writes.count == 2, "both users granted live, as admitted: \(rig.tv.writes)")
        #expect(!rig.log.names().contains("grant.would"))
        #expect(modes.current.dryRun, "the toggle counts from the next command on")
        let next = await actions(rig, modes: modes).perform(.grant(script: F.script, users: ["Lee"], term: .months(1)))
        #expect(next.dryRun && rig.tv.writes.count == 2)
    }

    /// batch-grant is a command like the others: a pinned dry run holds it back and its outcome carries
    /// the report, which says "dry run" first.
    @Test func batchGrantIsACommandWithItsReport() async throws {
        let rig = EngineRig()
        _ = seeded(rig)
        let a = actions(rig, modes: ModeAuthority(ModePolicy(dryRun: false, readOnly: false, dryRunPinned: true)))
        let request = BatchGrantRequest(transactions: [F.tx("30", "Lee")], sheet: try Self.emptySheet(), csvPath: "/nonexistent/sheet.csv")
        let o = await a.perform(.batchGrant(request))
        let report = try #require(o.batch, "\(o.message)")
        #expect(o.dryRun && report.dryRun && report.summary.granted == 1 && report.appended.count == 1)
        #expect(o.message.hasPrefix("dry run") && o.message == report.sentence)
        #expect(rig.tv.writes.isEmpty)
    }

    @Test func newEventKindsRoundTrip() {
        for kind in [EventKind.actionWould(.grant), .actionQueued(.extend), .reviewWouldAdd, .retryWouldAdd] {
            #expect(EventKind(name: kind.name) == kind)
        }
    }
}
