import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// Issue 18, "What was seen" 1: TradingView answered ok to every 10th grant or extension without keeping
/// it, and sync reported success. Read-back finds those writes in the run that made them and sends them again.
@Suite("ReadBack: every write of a run is read back from TradingView's list")
struct ReadBackTests {
    @Test("dropped writes (every 3rd answered ok, not kept) are repaired within the run that made them")
    func droppedWritesRepairedInTheSameRun() async throws {
        try await withRig { rig in
            let expected = try await rig.entitlement()
            rig.sandbox.setFaults(Faults(dropWriteEvery: 3))
            let summary = try await rig.actions.sync()
            let dropped = rig.sandbox.snapshot().droppedWrites
            #expect(dropped.count >= 3, "the fault must bite: \(dropped.count)")
            let writes = summary.granted + summary.extended + summary.revoked
            // A repair can itself be a 3rd write and be dropped again: exactly those go to review, with an
            // error event, and are the only users whose access differs from what they paid for.
            let missing = Set(rig.recorder.all.filter { $0.kind == .readbackMissing }.map { "\($0.script ?? "")|\($0.user ?? "")" })
            let actual = rig.remoteAccess()
            var wrong = Set<String>()
            for (script, users) in expected.access {
                for (user, expiry) in users where actual[script]?[user] != .some(expiry) { wrong.insert("\(script)|\(user)") }
            }
            #expect(wrong == missing, "differs: \(wrong.sorted()), reported: \(missing.sorted())")
            #expect(missing.count < dropped.count, "most dropped writes are repaired")
            // Dropped: the first sends that did not stick, then the repairs that did not either.
            #expect(summary.repaired == dropped.count - 2 * missing.count)
            #expect(summary.repaired >= 1)
            #expect(summary.verified == writes - missing.count, "\(summary)")
            #expect(rig.recorder.all.filter { $0.kind == .readbackRepaired }.count == summary.repaired)
            let done = rig.recorder.all.last { $0.kind == .runDone }
            #expect(done?.runEnd?.summary.verified == summary.verified)
            #expect(done?.runEnd?.summary.repaired == summary.repaired)

            // The next run has nothing to write: no read-back, no repair.
            rig.sandbox.setFaults(Faults())
            let again = try await rig.actions.sync()
            #expect(again.granted + again.extended + again.verified + again.repaired == 0, "\(again)")
        }
    }

    @Test("a write that does not stick after one more send goes to review with an error event, and is not verified")
    func neverKeptGoesToReview() async throws {
        try await withRig { rig in
            rig.sandbox.setFaults(Faults(dropWriteRate: 1))
            let summary = try await rig.actions.sync()
            let writes = summary.granted + summary.extended
            #expect(writes > 0)
            #expect(summary.verified == 0 && summary.repaired == 0, "\(summary)")
            #expect(rig.sandbox.snapshot().writes.isEmpty, "nothing stuck")
            let missing = rig.recorder.all.filter { $0.kind == .readbackMissing }
            #expect(missing.count == writes)
            #expect(missing.allSatisfy { $0.level == .error })
            let unverified = try rig.scriptIds.flatMap { try rig.masterData($0).reviewQueue.values.filter { $0.id.hasSuffix(":unverified") } }
            #expect(unverified.count >= writes)
            #expect(unverified.allSatisfy { $0.reason == .conflict })
            #expect(summary.exitCode == 1)
        }
    }

    @Test("a dry run reads nothing back; a run without writes reads no list")
    func dryRunAndNoWritesReadNothing() async throws {
        try await withRig { rig in
            let before = rig.sandbox.snapshot().calls["/pine_perm/list_users/"] ?? 0
            let dry = try await rig.actions.sync(dryRun: true)
            #expect(dry.verified == 0)
            let lists = rig.sandbox.snapshot().calls["/pine_perm/list_users/"] ?? 0
            #expect(lists - before == 4, "the first run's lists only")
            #expect(!rig.recorder.all.contains { $0.kind == .readbackVerified })
        }
    }

    @Test("the list is read back only while its pages do not far outnumber the writes")
    func readBackIsBoundedByTheWrites() {
        #expect(SyncEngine.readBackWorthIt(users: 300, writes: 1), "10 pages: always read")
        #expect(SyncEngine.readBackWorthIt(users: 2_000, writes: 17), "67 pages for 17 writes")
        #expect(!SyncEngine.readBackWorthIt(users: 100_000, writes: 1), "3,334 pages for one write: left to a full read")
        #expect(SyncEngine.readBackWorthIt(users: 100_000, writes: 900))
    }

    @Test("pure check: present with the written expiry, lifetime, revoked absent")
    func checkIsExact() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func written(_ name: String, _ op: RemoteOperation, _ after: AccessState) -> WrittenAccess {
            WrittenAccess(PlannedWrite(scriptId: "S", key: Username.key(name), username: name, needsValidation: false,
                                       operation: op, before: .none, after: after, covers: []))
        }
        let writes = [written("Ann", .grant, .until(now)), written("Bob", .extend, .lifetime),
                      written("Cid", .revoke, .none), written("Dee", .grant, .until(now)), written("Eve", .revoke, .none)]
        let remote = [RemoteAccess(username: "ann", expiry: now), RemoteAccess(username: "Bob", expiry: now),
                      RemoteAccess(username: "Eve", expiry: now)]
        let outcome = ReadBack.check(writes, remote: remote)
        #expect(outcome.verified.map(\.username) == ["Ann", "Cid"])
        #expect(outcome.missing.map(\.write.username) == ["Bob", "Dee", "Eve"])
        let repairs = outcome.missing.map { ReadBack.repair($0, actor: "sync") }
        #expect(repairs.map(\.operation) == [.extend, .grant, .revoke])
        #expect(repairs.map(\.action) == ["readback-repair", "readback-repair", "readback-repair"])
        let twice = [written("Ann", .grant, .until(now)), written("ann", .revoke, .none)]
        #expect(ReadBack.latest(twice).map(\.operation) == [.revoke])
    }
}
