import Foundation
import Testing
@testable import AccessCore

struct HeldLock: SyncLockProvider {
    func acquireSyncLock() throws -> @Sendable () -> Void { throw ActionError.syncRunning(pid: 4242) }
}

@Suite struct ActionsTests {
    typealias F = Fixture

    func actions(_ rig: EngineRig, lock: (any SyncLockProvider)? = nil) -> AccessActions {
        let now = rig.now
        return AccessActions(settings: SyncSettings(products: ["p1": F.product(.months(1), stacking: true)]),
                             store: rig.data, client: rig.tv, source: FakeSource(txs: []), mailer: rig.mailer,
                             session: nil, events: rig.hub, runLock: lock, actorName: "alice-admin", clock: { now })
    }

    @Test func grantValidatesRecordsHistoryAndEmitsOneEvent() async throws {
        let rig = EngineRig()
        rig.tv.existing = ["Trader_Joe"]
        let r = try await actions(rig).grant(script: F.script, user: "https://www.tradingview.com/u/trader_joe/", term: .months(1))
        #expect(r.result == .applied && r.username == "Trader_Joe" && r.expiry == F.date(2025, 2, 28))
        #expect(rig.tv.writes == ["grant Trader_Joe"])
        let h = try #require(rig.state.user("trader_joe")?.history.last)
        #expect(h.actor == "alice-admin" && h.action == "grant" && h.result == "ok")
        #expect(rig.log.names() == ["grant.ok"])
    }

    @Test func errorsSayWhatToDo() async throws {
        let rig = EngineRig()
        let a = actions(rig)
        await #expect(throws: ActionError.unknownScript("PUB;x", known: [F.script])) {
            try await a.grant(script: "PUB;x", user: "a", term: .days(7))
        }
        #expect(ActionError.unknownScript("PUB;x", known: [F.script]).description == "unknown script \"PUB;x\" — known: 'PUB;abc'", "ids quoted as a shell word: a bare ; ends the command")
        await #expect(throws: ActionError.userNotFound(script: F.script, user: "nobody")) {
            try await a.extend(script: F.script, users: ["nobody"], term: .months(1))
        }
        await #expect(throws: ActionError.invalidUsername("Ghost", detail: "TradingView has no user named \"Ghost\"")) {
            try await a.validate("Ghost")
        }
        await #expect(throws: ActionError.syncRunning(pid: 4242)) { try await actions(rig, lock: HeldLock()).sync() }
        #expect(ActionError.syncRunning(pid: 4242).description == "sync running (pid 4242)")
        #expect(rig.tv.writes.isEmpty)
        #expect(rig.log.names().filter { $0.hasSuffix(".failed") }.count == 4)
    }

    @Test func staleSessionInABatchKeepsEveryChangeQueued() async throws {
        let rig = EngineRig()
        rig.data.put(F.state([F.user("A", F.date(2025, 3, 1)), F.user("B", F.date(2025, 3, 1)), F.user("C", nil)]))
        rig.tv.fail(.sessionStale("HTTP 401"))
        await #expect(throws: ActionError.sessionStale(queued: 3)) {
            try await actions(rig).extend(script: F.script, users: ["a", "b", "c"], term: .months(1))
        }
        #expect(rig.tv.writes.isEmpty)
        #expect(rig.state.retryQueue.count == 3)
        #expect(rig.state.retryQueue.values.allSatisfy { $0.id.hasPrefix("manual-") && $0.attempts == 0 })
        #expect(rig.state.user("a")?.expiry == F.date(2025, 3, 1), "nothing extended yet")
    }

    @Test func revokeKeepsTheUserAndHistory() async throws {
        let rig = EngineRig()
        rig.data.put(F.state([F.user("Kay", F.date(2025, 3, 1))]))
        rig.tv.users[F.script] = ["kay": RemoteAccess(username: "Kay", expiry: F.date(2025, 3, 1))]
        let r = try await actions(rig).revoke(script: F.script, users: ["KAY"])
        #expect(r.map(\.result) == [.applied] && rig.tv.writes == ["remove Kay"])
        let u = try #require(rig.state.user("kay"))
        #expect(u.expiry == rig.now && u.history.last?.action == "revoke")
    }

    @Test func resolvingAReviewGrantsUnderTheNewNameOnce() async throws {
        let rig = EngineRig()
        rig.tv.existing = ["RealName"]
        var s = F.state()
        s.reviewQueue["9"] = ReviewItem(id: "9", reason: .invalidUsername, typedName: "RealNmae", email: "r@example.com",
                                        transactionId: "9", productId: "p1", term: .months(1), detail: "no such user",
                                        createdAt: rig.now)
        s.processedTransactions = ["9"]
        rig.data.put(s)
        let a = actions(rig)
        let r = try await a.resolveReview(script: F.script, id: "9", newName: "realname")
        #expect(r.result == .applied && rig.tv.writes == ["grant RealName"])
        #expect(rig.state.reviewQueue.isEmpty && rig.state.user("realname")?.email == "r@example.com")
        await #expect(throws: ActionError.reviewNotFound(script: F.script, id: "9")) {
            try await a.resolveReview(script: F.script, id: "9", newName: "realname")
        }
    }

    @Test func dropAndDismissInADryRunChangeNothing() async throws {
        let rig = EngineRig()
        var s = F.state([F.user("Kim", F.date(2025, 3, 1))])
        s.retryQueue["5"] = RetryItem(id: "5", operation: .extend, username: "Kim", email: nil, term: .months(1), transactionId: "5",
                                      attempts: 2, nextAttemptAt: rig.now, lastError: "HTTP 502", createdAt: rig.now)
        s.reviewQueue["9"] = ReviewItem(id: "9", reason: .invalidUsername, typedName: "Kim", email: "", transactionId: "9",
                                        productId: "p1", term: .months(1), detail: "x", createdAt: rig.now)
        rig.data.put(s)
        let a = actions(rig)
        try await a.dropRetry(script: F.script, id: "5", dryRun: true)
        try await a.dismissReview(script: F.script, id: "9", reason: "duplicate", dryRun: true)
        #expect(rig.state == s, "a dry run persists nothing")
        #expect(rig.data.script(F.script).commits.isEmpty)
        #expect(rig.log.events.allSatisfy { $0.message.hasPrefix("dry run:") && $0.fields["dryRun"] == "true" })
        await #expect(throws: ActionError.retryNotFound(script: F.script, id: "6")) {
            try await a.dropRetry(script: F.script, id: "6", dryRun: true)
        }
        try await a.dropRetry(script: F.script, id: "5")
        try await a.dismissReview(script: F.script, id: "9", reason: "duplicate")
        #expect(rig.state.retryQueue.isEmpty && rig.state.reviewQueue.isEmpty)
        #expect(rig.state.processedTransactions == ["5", "9"])
    }

    @Test func resyncDiffsAndApplies() async throws {
        let rig = EngineRig()
        rig.data.put(F.state([F.user("Mia", F.date(2025, 3, 1)), F.user("Ned", F.date(2025, 5, 1))]))
        rig.tv.users[F.script] = ["ned": RemoteAccess(username: "Ned", expiry: F.date(2025, 4, 1)),
                                  "ola": RemoteAccess(username: "Ola", expiry: nil)]
        let a = actions(rig)
        let d = try await a.resync(script: F.script, apply: false)
        #expect(d.missingRemote.map(\.username) == ["Mia"] && d.unknownLocal.map(\.username) == ["Ola"])
        #expect(d.expiryMismatch.map(\.username) == ["Ned"] && rig.tv.writes.isEmpty)
        _ = try await a.resync(script: F.script, apply: true)
        #expect(rig.tv.writes.sorted() == ["grant Mia", "modify Ned"])
        // Its writes report progress like an engine run: start, one step per write, done.
        let runs = rig.log.events.compactMap { e in e.runProgress.map { "\(e.name) \($0.kind.rawValue) \($0.done)/\($0.total)" } }
        #expect(runs == ["sync.start resync 0/2", "sync.progress resync 1/2", "sync.progress resync 2/2"], "\(runs)")
        #expect(rig.log.events.last { $0.kind == .runDone }?.runEnd?.kind == .resync)
        #expect(rig.state.user("ola")?.isLifetime == true)
        let after = try await a.resync(script: F.script, apply: false)
        #expect(after.isEmpty)
    }
}
