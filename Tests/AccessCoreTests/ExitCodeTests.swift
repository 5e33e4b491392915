import Foundation
import Testing
@testable import AccessCore

struct FailingSource: TransactionSource {
    func transactions(since: Date?) async throws -> TransactionBatch { throw RemoteError.transient("WordPress HTTP 503", retryAfter: nil) }
}

/// Master data whose lock another process holds.
struct LockedMasterData: MasterDataProvider {
    func openScript(_ scriptId: String) throws -> any ScriptMasterData { throw StoreError.locked(path: "/m/\(scriptId).lock") }
    func releaseScript(_ data: any ScriptMasterData) {}
}

/// Master data that can be read but not written (a full disk).
final class FullDisk: MasterDataProvider, @unchecked Sendable {
    let inner = MemoryMasterData()
    final class Script: ScriptMasterData, @unchecked Sendable {
        let wrapped: MemoryScript
        init(_ s: MemoryScript) { wrapped = s }
        var scriptId: String { wrapped.scriptId }
        var state: ScriptAccess { wrapped.state }
        func read<T>(_ body: (ScriptAccess) throws -> T) rethrows -> T { try wrapped.read(body) }
        func commit(_ changes: [AccessChange], durability: CommitDurability) throws {
            throw StoreError.io(path: "/m/\(scriptId).journal", detail: "No space left on device")
        }
        func close() {}
    }
    func openScript(_ scriptId: String) throws -> any ScriptMasterData { Script(inner.script(scriptId)) }
    func releaseScript(_ data: any ScriptMasterData) {}
}

/// Issue 11.10: failures have their own exit code; 1 stays "done, items queued".
@Suite struct ExitCodeTests {
    typealias F = Fixture
    let settings = SyncSettings(products: ["p1": Fixture.product(.months(1), stacking: true)])

    @Test func aWordPressOutageIsNotItemsForReview() async throws {
        let rig = EngineRig()
        let engine = SyncEngine(settings: settings, store: rig.data, client: rig.tv, source: FailingSource(), mailer: nil,
                                events: rig.hub, clock: { rig.now })
        let s = try await engine.run(dryRun: false)
        #expect(s.incomplete == 1 && s.review == 0 && s.exitCode == 5)
    }

    @Test func aFullDiskIsNotItemsForReview() async throws {
        let rig = EngineRig()
        rig.tv.existing = ["Ann"]
        let engine = SyncEngine(settings: settings, store: FullDisk(), client: rig.tv, source: FakeSource(txs: [F.tx("1", "Ann")]),
                                mailer: nil, events: rig.hub, clock: { rig.now })
        let s = try await engine.run(dryRun: false)
        #expect(s.incomplete >= 1 && s.exitCode == 5)
        #expect(rig.tv.writes.isEmpty, "no write is sent without its intent on disk")
    }

    @Test func queuedItemsStillExitOne() {
        var s = SyncSummary(); s.review = 2
        #expect(s.exitCode == 1)
        s.incomplete = 1
        #expect(s.exitCode == 5)
        s.stale = true
        #expect(s.exitCode == 3)
    }

    @Test func aHeldScriptLockIsItsOwnError() async throws {
        let rig = EngineRig()
        let actions = AccessActions(settings: settings, store: LockedMasterData(), client: rig.tv, source: FakeSource(txs: []),
                                    mailer: nil, session: nil, events: rig.hub, runLock: nil, clock: { rig.now })
        await #expect(throws: ActionError.scriptBusy(script: F.script)) {
            try await actions.grant(script: F.script, user: "ann", term: .months(1))
        }
        await #expect(throws: ActionError.scriptBusy(script: F.script)) {
            try await actions.resync(script: F.script, apply: false)
        }
    }
}
