import Foundation
import Testing
@testable import AccessCore

/// Issue 11.3: master data that is gone must not look like a script that never synced.
@Suite struct LostStoreTests {
    static let sid = "PUB;lost"

    /// A store with three changes in its journal (not compacted), closed.
    func synced(_ dir: TempDir) throws -> ScriptStore {
        let store = try ScriptStore.open(directory: dir.url, scriptId: Self.sid)
        for i in 1...3 { try store.commit([.markProcessed(transactionId: "tx-\(i)"), .setBootstrapped(true)]) }
        store.close()
        return store
    }

    func expectLost(_ dir: TempDir, sourceLocation: SourceLocation = #_sourceLocation) {
        for attempt in ["open", "peek"] {
            do {
                if attempt == "open" { _ = try ScriptStore.open(directory: dir.url, scriptId: Self.sid) }
                else { _ = try ScriptStore.peek(directory: dir.url, scriptId: Self.sid) }
                Issue.record("\(attempt) took lost master data for a fresh start", sourceLocation: sourceLocation)
            } catch let StoreError.corrupt(_, detail) {
                #expect(detail.contains("master data was lost") && detail.contains("had reached change 3")
                        && detail.contains("store rebuild --script '\(Self.sid)'"), "\(detail)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("\(attempt): \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func aMissingSnapshotIsLostNotFresh() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try synced(dir)
        let reopened = try ScriptStore.open(directory: dir.url, scriptId: Self.sid)
        try reopened.compact()
        reopened.close()
        try FileManager.default.removeItem(atPath: store.snapshotPath)
        expectLost(dir)
        #expect(!FileManager.default.fileExists(atPath: store.snapshotPath), "nothing was written")
    }

    @Test func anEmptiedJournalOfAnUncompactedStoreIsLost() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try synced(dir)
        try Data().write(to: URL(fileURLWithPath: store.journalPath))
        expectLost(dir)
    }

    @Test func aFreshFolderAndAStoreFromBeforeTheMarkerStillOpen() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        #expect(try ScriptStore.peek(directory: dir.url, scriptId: Self.sid) == ScriptAccess(scriptId: Self.sid))
        let store = try synced(dir)
        try FileManager.default.removeItem(atPath: store.generationPath)  // as written before markers existed
        let reopened = try ScriptStore.open(directory: dir.url, scriptId: Self.sid)
        #expect(reopened.state.processedTransactions.count == 3)
        reopened.close()
    }

    @Test func setAsideMovesEverythingAndTheStoreStartsEmpty() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try synced(dir)
        try FileManager.default.removeItem(atPath: store.snapshotPath)
        let at = SnapshotDate.parse("2026-12-01T17:00:00Z")!
        let moved = try ScriptStore.setAside(directory: dir.url, scriptId: Self.sid, now: at)
        #expect(moved.sorted() == [store.generationPath, store.journalPath].map { $0 + ".lost-2026-12-01T170000Z" }.sorted())
        #expect(try ScriptStore.open(directory: dir.url, scriptId: Self.sid).state == ScriptAccess(scriptId: Self.sid))
    }
}

/// The rebuild action against the sandbox: lost master data, then rebuilt, applies no old purchase again.
@Suite(.serialized) struct RebuildIntegrationTests {
    @Test func rebuildFromTradingViewDoesNotReapplyOldPurchases() async throws {
        let rig = try await TestRig.make()
        do {
            _ = try await rig.actions.sync()
            let before = rig.remoteAccess()
            let sid = TestRig.alpha
            let masterData = rig.dataDir.appendingPathComponent(rig.config.paths.masterData)
            // The run's changes sit in the journal (not compacted yet): emptying it loses them all.
            let journal = masterData.appendingPathComponent(ScriptFileName.encode(sid) + ".journal")
            #expect(try Data(contentsOf: journal).count > 0)
            try Data().write(to: journal)

            await #expect(throws: ActionError.self) { _ = try await rig.actions.sync() }
            #expect(rig.remoteAccess() == before, "a store that lost its data writes nothing")

            let report = try await rig.actions.rebuild(script: sid)
            #expect(report.users == before[sid]?.count && report.processed > 0 && report.setAside.count == 3)
            let again = try await rig.actions.sync()
            #expect(again.granted == 0 && again.extended == 0, "no purchase applied twice")
            #expect(rig.remoteAccess() == before)
            let state = try rig.masterData(sid)
            #expect(state.users.count == before[sid]?.count)
        } catch {
            await rig.close()
            throw error
        }
        await rig.close()
    }
}
