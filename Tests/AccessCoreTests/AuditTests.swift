import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// Issue 18, the scheduled audit: a full diff of every script against TradingView's list. Drift someone
/// else made is reported (and repaired only with `audit.repair` = all); our own writes that did not stick
/// (still pending read-back) are repaired by default; repairs go through the retry queue.
@Suite("Audit: every script's list against master data, drift reported and repaired per policy")
struct AuditTests {
    /// After a first sync: two users lose their grant on TradingView, a stranger is added in its UI and a
    /// third user's expiry is changed there.
    private func drift(_ rig: TestRig) throws -> (lost: [String], stranger: String, changed: String) {
        let state = try rig.masterData(TestRig.alpha)
        let active = state.users.values.filter { AccessState($0).isActive(at: rig.clock.now) && $0.expiry != nil }
            .map(\.username).sorted()
        try #require(active.count >= 3)
        let lost = Array(active.prefix(2)), changed = active[2]
        #expect(rig.sandbox.loseGrants(pineId: TestRig.alpha, usernames: lost).count == 2)
        #expect(rig.sandbox.addAccount("StrangerDanger"))
        #expect(rig.sandbox.seedGrant(pineId: TestRig.alpha, username: "StrangerDanger", expiration: rig.clock.now.addingTimeInterval(86_400 * 90)))
        #expect(rig.sandbox.seedGrant(pineId: TestRig.alpha, username: changed, expiration: rig.clock.now.addingTimeInterval(86_400 * 400)))
        return (lost, "StrangerDanger", changed)
    }

    @Test("grants lost on TradingView, access added and changed in its UI: reported (events, counts); own_writes repairs none")
    func foreignDriftIsReportedNotRepairedByDefault() async throws {
        try await withRig { rig in
            _ = try await rig.actions.sync()
            #expect(rig.actions.engine.pending?.all().isEmpty == true, "the first run read back every write")
            let d = try drift(rig)
            rig.clock.advance(60)
            let report = await rig.actions.audit(repair: .ownWrites, pause: 0)
            let alpha = try #require(report.scripts.first { $0.scriptId == TestRig.alpha })
            #expect(alpha.count(.removed) == 2 && alpha.count(.added) == 1 && alpha.count(.changed) == 1, "\(alpha.drift)")
            #expect(Set(alpha.drift.filter { $0.kind == .removed }.map(\.username)) == Set(d.lost))
            #expect(alpha.drift.first { $0.kind == .added }?.username == d.stranger)
            #expect(alpha.drift.first { $0.kind == .changed }?.username == d.changed)
            #expect(report.repairsQueued == 0 && report.unrepaired == 4)
            #expect(report.scripts.filter { $0.scriptId != TestRig.alpha }.allSatisfy { $0.drift.isEmpty })
            let events = rig.recorder.all.filter { $0.kind == .auditDrift }
            #expect(events.count == 4 && events.allSatisfy { $0.script == TestRig.alpha && $0.fields["repair"] == "false" })
            #expect(rig.recorder.all.last { $0.kind == .auditDone }?.fields["removed"] == "2")
            #expect(try rig.masterData(TestRig.alpha).retryQueue.isEmpty)
            // Reported, not touched: the next sync writes nothing.
            let writes = rig.writeCalls()
            _ = try await rig.actions.sync()
            #expect(rig.writeCalls() == writes)
        }
    }

    /// Issue 19: the daemon OR-ed config's dry_run into the audit by hand; now the audit admits Core's
    /// mode like every write: pinned dry run, drift reported, nothing queued or committed.
    @Test("a pinned dry run reaches the audit: drift reported, no repair queued even with repair = all")
    func aDryRunAuditQueuesNothing() async throws {
        try await withRig { rig in
            _ = try await rig.actions.sync()
            _ = try drift(rig)
            rig.clock.advance(60)
            rig.actions.modes.pinDryRun()
            let before = try rig.masterData(TestRig.alpha)
            let report = await rig.actions.audit(repair: .all, pause: 0)
            let alpha = try #require(report.scripts.first { $0.scriptId == TestRig.alpha })
            #expect(alpha.drift.count == 4 && report.repairsQueued == 0, "\(alpha.drift)")
            #expect(try rig.masterData(TestRig.alpha) == before, "nothing committed")
        }
    }

    @Test("audit.repair = all: each difference queued as a repair retry item; the next sync sends and reads back each")
    func allPutsForeignDriftBack() async throws {
        try await withRig { rig in
            _ = try await rig.actions.sync()
            let d = try drift(rig)
            rig.clock.advance(60)
            let report = await rig.actions.audit(repair: .all, pause: 0)
            #expect(report.repairsQueued == 4 && report.unrepaired == 0)
            let queued = try rig.masterData(TestRig.alpha).retryQueue.values
            #expect(queued.count == 4 && queued.allSatisfy { SyncWork.isRepair($0.id) })
            rig.clock.advance(60)
            let summary = try await rig.actions.sync()
            #expect(summary.repaired == 4, "\(summary)")
            #expect(summary.granted + summary.extended + summary.revoked == 0, "repairs are not new grants: \(summary)")
            let state = try rig.masterData(TestRig.alpha)
            let remote = rig.remoteAccess()[TestRig.alpha] ?? [:]
            for name in d.lost + [d.changed] {
                let user = try #require(state.user(name))
                #expect(remote[user.username] == .some(user.expiry), "\(name) is back to master data's expiry")
            }
            #expect(remote[d.stranger] == nil, "access nobody paid for is removed")
            #expect(state.retryQueue.isEmpty)
            #expect(state.user(d.lost[0])?.history.last?.action == "repair-grant")
            // In step again.
            rig.clock.advance(60)
            let again = await rig.actions.audit(repair: .all, pause: 0)
            #expect(again.scripts.allSatisfy { $0.drift.isEmpty }, "\(again.scripts.flatMap(\.drift))")
        }
    }

    @Test("own writes that did not stick (left pending by a kill before read-back) are repaired under own_writes")
    func unkeptOwnWritesAreRepaired() async throws {
        try await withRig { rig in
            _ = try await rig.actions.sync()
            let state = try rig.masterData(TestRig.alpha)
            let name = try #require(state.users.values.filter { AccessState($0).isActive(at: rig.clock.now) }.map(\.username).sorted().first)
            // As a kill between the write and its read-back leaves it: pending, and TradingView did not keep it.
            try rig.actions.engine.pending?.mark(TestRig.alpha, users: [Username.key(name)])
            rig.sandbox.loseGrants(pineId: TestRig.alpha, usernames: [name])
            rig.clock.advance(60)
            let report = await rig.actions.audit(repair: .ownWrites, pause: 0)
            let alpha = try #require(report.scripts.first { $0.scriptId == TestRig.alpha })
            #expect(alpha.drift.map(\.kind) == [.unkept] && alpha.repairsQueued == 1, "\(alpha.drift)")
            #expect(rig.recorder.all.first { $0.kind == .auditDrift }?.level == .error)
            let summary = try await rig.actions.sync()
            #expect(summary.repaired == 1, "\(summary)")
            #expect(rig.remoteAccess()[TestRig.alpha]?[name] == .some(try rig.masterData(TestRig.alpha).user(name)!.expiry))
            #expect(rig.actions.engine.pending?.all().isEmpty == true, "verified: no longer pending")
        }
    }

    @Test("a renamed account is followed by the audit (user.renamed, no drift); it then renews under the new name with one write")
    func auditFollowsRenames() async throws {
        try await withRig { rig in
            _ = try await rig.actions.sync()
            let before = try rig.masterData(TestRig.alpha)
            let joe = try #require(before.user("traderjoe"))
            #expect(joe.tvUserId != nil)
            #expect(rig.sandbox.rename("TraderJoe", to: "JoeTrades"))
            rig.clock.advance(60)
            let report = await rig.actions.audit(repair: .all, pause: 0)
            #expect(report.scripts.allSatisfy { $0.drift.isEmpty }, "a rename is not drift: \(report.scripts.flatMap(\.drift))")
            #expect(report.scripts.reduce(0) { $0 + $1.renamed } >= 1)
            let after = try rig.masterData(TestRig.alpha)
            #expect(after.user("traderjoe") == nil && after.user("joetrades")?.tvUserId == joe.tvUserId)
            #expect(after.users.count == before.users.count, "no orphan row")
            #expect(rig.recorder.all.contains { $0.kind == .userRenamed && $0.fields["to"] == "JoeTrades" })

            rig.sandbox.addTransactions([SandboxTransaction(
                id: 0, productId: 101, email: "joe@example.com", wpUsername: "joe_trader", tradingviewUsername: "JoeTrades",
                status: "complete", createdAt: rig.clock.now, expiresAt: nil)])
            let writesBefore = rig.sandbox.snapshot().writes.count
            rig.clock.advance(60)
            let summary = try await rig.actions.sync()
            let writes = Array(rig.sandbox.snapshot().writes.dropFirst(writesBefore))
            #expect(writes.map(\.op) == ["modify"] && writes.first?.username == "JoeTrades", "\(writes)")
            #expect(summary.extended == 1 && summary.granted == 0, "\(summary)")
        }
    }

    @Test("resync follows a renamed account (user.renamed) instead of granting the old name and adopting the new one")
    func resyncFollowsRenames() async throws {
        try await withRig { rig in
            _ = try await rig.actions.sync()
            let before = try rig.masterData(TestRig.alpha)
            #expect(rig.sandbox.rename("TraderJoe", to: "JoeTrades"))
            let writes = rig.writeCalls()
            let diff = try await rig.actions.resync(script: TestRig.alpha, apply: true)
            #expect(diff.missingRemote.isEmpty && diff.unknownLocal.isEmpty, "\(diff)")
            #expect(rig.writeCalls() == writes, "no grant to the old name")
            let after = try rig.masterData(TestRig.alpha)
            #expect(after.user("traderjoe") == nil && after.user("joetrades") != nil && after.users.count == before.users.count)
            #expect(rig.recorder.all.contains { $0.kind == .userRenamed && $0.fields["from"] == "TraderJoe" })
        }
    }

    @Test("pure: users changed while the list was read, or with work queued, are not judged; pending users on the list are verified")
    func compareSkipsBusyUsers() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000), later = t0.addingTimeInterval(86_400 * 30)
        var state = ScriptAccess(scriptId: "S")
        func user(_ name: String, touched: Date) -> UserAccess {
            UserAccess(username: name, expiry: later, history: [HistoryEntry(at: touched, actor: "sync", action: "grant", expiry: later)])
        }
        state.users = ["ann": user("Ann", touched: t0), "bob": user("Bob", touched: t0.addingTimeInterval(10)),
                       "cid": user("Cid", touched: t0), "dee": user("Dee", touched: t0)]
        state.retryQueue["r1"] = RetryItem(id: "r1", operation: .grant, username: "Cid", email: nil, term: .init("1M"),
                                           transactionId: "t", attempts: 1, nextAttemptAt: t0, lastError: "x", createdAt: t0)
        let remote = [RemoteAccess(username: "Dee", expiry: later)]
        let out = Audit.compare(state, remote: remote, pending: ["ann", "dee"], repair: .ownWrites,
                                listStarted: t0.addingTimeInterval(5), now: t0.addingTimeInterval(20), actor: "audit")
        #expect(out.report.drift.map(\.username) == ["Ann"] && out.report.drift.first?.kind == .unkept)
        #expect(out.report.skipped == 2, "Bob written after the list started, Cid with a retry queued")
        #expect(out.verifiedPending == ["dee"])
        #expect(out.changes.count == 1, "one repair item, for Ann")
        #expect(Audit.cost(users: 100_000, ratePerMinute: 30).calls == 3_334)
    }
}

/// Issue 18 done-when 2: writes left pending by a kill between the writes and the read-back.
@Suite("Read-back pending: a kill before read-back leaves writes for the next run to read back")
struct ReadBackPendingTests {
    @Test("the next run (with nothing to write) reads back what a killed run left pending, and repairs it through the retry queue")
    func nextRunReadsBackWhatWasLeftPending() async throws {
        try await withRig { rig in
            _ = try await rig.actions.sync()
            let state = try rig.masterData(TestRig.momentum)
            let name = try #require(state.users.values.filter { AccessState($0).isActive(at: rig.clock.now) }.map(\.username).sorted().first)
            try rig.actions.engine.pending?.mark(TestRig.momentum, users: [Username.key(name)])
            rig.sandbox.loseGrants(pineId: TestRig.momentum, usernames: [name])
            rig.clock.advance(60)
            let summary = try await rig.actions.sync()
            #expect(summary.granted + summary.extended == 0)
            #expect(summary.repaired == 1 && summary.verified == 1, "\(summary)")
            #expect(rig.recorder.all.contains { $0.kind == .readbackQueued && $0.user == name })
            #expect(rig.remoteAccess()[TestRig.momentum]?[name] == .some(state.user(name)!.expiry))
            #expect(rig.actions.engine.pending?.all().isEmpty == true)
            // Nothing left to check: the next run reads no list.
            let lists = rig.sandbox.snapshot().calls["/pine_perm/list_users/"] ?? 0
            _ = try await rig.actions.sync()
            #expect(rig.sandbox.snapshot().calls["/pine_perm/list_users/"] ?? 0 == lists)
        }
    }

    @Test("new users on a list far longer than the writes: read back from the list's first pages (newest first), not skipped")
    func newUsersAreReadBackFromTheListsHead() async throws {
        try await withRig { rig in
            for i in 0..<1_200 {
                let name = String(format: "Crowd%04d", i)
                #expect(rig.sandbox.addAccount(name))
                #expect(rig.sandbox.seedGrant(pineId: TestRig.alpha, username: name, expiration: rig.clock.now.addingTimeInterval(86_400 * 200),
                                              created: rig.clock.now.addingTimeInterval(-86_400)))
            }
            _ = try await rig.actions.sync()
            #expect(try rig.masterData(TestRig.alpha).users.count > 1_200)
            for name in ["FreshFaceOne", "FreshFaceTwo"] {
                #expect(rig.sandbox.addAccount(name))
                rig.sandbox.addTransactions([SandboxTransaction(
                    id: 0, productId: 101, email: "\(name)@example.com", wpUsername: name, tradingviewUsername: name,
                    status: "complete", createdAt: rig.clock.now, expiresAt: nil)])
            }
            rig.clock.advance(60)
            let lists = rig.sandbox.snapshot().calls["/pine_perm/list_users/"] ?? 0
            let summary = try await rig.actions.sync()
            #expect(summary.granted == 2 && summary.verified == 2, "\(summary)")
            #expect((rig.sandbox.snapshot().calls["/pine_perm/list_users/"] ?? 0) - lists == 1, "one page of a ~41-page list")
            #expect(rig.actions.engine.pending?.all().isEmpty == true)
        }
    }

    @Test("a write TradingView did not keep goes to the retry queue as a repair item before it is sent again")
    func repairGoesThroughTheRetryQueue() async throws {
        try await withRig { rig in
            rig.sandbox.setFaults(Faults(dropWriteRate: 1))
            let summary = try await rig.actions.sync()
            let queued = rig.recorder.all.filter { $0.kind == .readbackQueued }
            #expect(queued.count == summary.granted + summary.extended && !queued.isEmpty)
            let ids = Set(queued.compactMap { $0.fields["id"] })
            #expect(ids.allSatisfy(SyncWork.isRepair))
            // Each repair was tried once (the retry queue's item, dropped when sent), then reviewed.
            for id in ids { #expect(try rig.scriptIds.allSatisfy { try rig.masterData($0).retryQueue[id] == nil }) }
            #expect(rig.recorder.all.filter { $0.kind == .readbackMissing }.count == queued.count)
        }
    }
}
