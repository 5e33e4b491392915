import Foundation
import Testing
@testable import AccessCore

/// `Tests/fixtures/store-v2`: master data as the store wrote it once users carried TradingView's user id
/// (`tvUserId`, 2026-12, issue 18), beside store-v1 which has none. Both must always load. Written once by
/// the real store from `commits` (the first compacted into the snapshot, the others journaled, crc and all);
/// committed fixtures are never edited.
@Suite struct GoldenStoreV2Tests {
    static let scriptId = "PUB;golden2v0123456789abcde"
    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/store-v2")
    }

    static let joe = UserAccess(username: "JoeTrades", email: "joe@example.com", wpUsername: "joe",
                                expiry: GoldenStore.d("2027-01-15T00:00:00Z"), grantedAt: GoldenStore.d("2026-11-01T00:00:00Z"),
                                history: [HistoryEntry(at: GoldenStore.d("2026-11-01T00:00:00Z"), actor: "sync", action: "grant",
                                                       expiry: GoldenStore.d("2026-12-01T00:00:00Z"), transactionId: "tx-1"),
                                          HistoryEntry(at: GoldenStore.d("2026-12-02T00:00:00Z"), actor: "sync", action: "renamed",
                                                       expiry: GoldenStore.d("2026-12-01T00:00:00Z"))],
                                tvUserId: 4711)
    static let kim = UserAccess(username: "Kim", expiry: nil, tvUserId: 42)
    static let lee = UserAccess(username: "lee_no_id", expiry: GoldenStore.d("2026-12-31T00:00:00Z"))

    /// Committed in this order: the first compacted into the snapshot, the rest left in the journal.
    static let commits: [[AccessChange]] = [
        [.setTitle("Golden v2"), .setBootstrapped(true), .upsertUser(joe), .upsertUser(lee), .markProcessed(transactionId: "tx-1")],
        [.upsertUser(kim)],
        [.removeUser(username: "TraderJoe"), .upsertUser(joe)],
    ]

    static var expected: ScriptAccess {
        var s = ScriptAccess(scriptId: scriptId)
        for c in commits { s = s.applying(c) }
        return s
    }

    @Test func theCommittedV2StoreLoadsWithItsUserIds() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
        #expect(files.count == 2)
        for name in files {
            try FileManager.default.copyItem(at: Self.folder.appendingPathComponent(name), to: dir.url.appendingPathComponent(name))
        }
        let snapshot = try String(contentsOf: dir.url.appendingPathComponent(ScriptFileName.encode(Self.scriptId) + ".json"), encoding: .utf8)
        #expect(snapshot.contains("\"tvUserId\":4711"), "the fixture carries ids")
        let store = try ScriptStore.open(directory: dir.url, scriptId: Self.scriptId)
        #expect(store.state == Self.expected)
        #expect(store.state.user("joetrades")?.tvUserId == 4711 && store.state.user("kim")?.tvUserId == 42)
        #expect(store.state.user("lee_no_id")?.tvUserId == nil)
        store.close()
    }

    @Test func aUserIdSurvivesSnapshotAndJournalAndIsLeftOutWhenUnknown() throws {
        let bytes = try SnapshotCodec.encode(Self.expected, journalSequence: 3)
        #expect(try bytes.withUnsafeBufferPointer { try SnapshotCodec.decode($0) }.state == Self.expected)
        let line = try JournalCodec.encode(JournalLine(seq: 1, changes: [.upsertUser(Self.joe), .upsertUser(Self.lee)]),
                                           encoder: StoreJSON.encoder())
        #expect(try line.withUnsafeBufferPointer { try JournalCodec.decode($0, decoder: StoreJSON.decoder()) }.changes
                == [.upsertUser(Self.joe), .upsertUser(Self.lee)])
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.components(separatedBy: "tvUserId").count == 2, "written for Joe only: \(text)")
    }
}
