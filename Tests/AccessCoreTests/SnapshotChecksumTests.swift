import Foundation
import Testing
@testable import AccessCore

/// Issue 20.6: the snapshot carries a checksum like a journal line's. A changed digit or a deleted user line
/// is refused naming the file and the way out; snapshots written before checksums still load.
@Suite struct SnapshotChecksumTests {
    static let sid = "PUB;checksummed"

    @Test func crc32MatchesTheStandardValueAndJoinsParts() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<10_003).map { _ in UInt8.random(in: 0...255, using: &rng) }
        // The byte-at-a-time definition, against the eight-bytes-a-step loop.
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        let whole = CRC32.checksum(bytes)
        #expect(whole == c ^ 0xFFFF_FFFF)
        for cut in [0, 1, 7, 4096, 10_003] {
            let a = CRC32.checksum(bytes[0..<cut]), b = CRC32.checksum(bytes[cut...])
            #expect(CRC32.combine(a, b, lengthOfB: bytes.count - cut) == whole, "cut at \(cut)")
        }
    }

    @Test func aBigSnapshotIsCheckedInPartsToTheSameValue() {
        let bytes = (0..<(SnapshotCodec.chunkedUsersBytes + 12_345)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let parts = bytes.withUnsafeBytes { SnapshotCodec.checksum(of: $0) }
        #expect(parts == CRC32.checksum(bytes))
    }

    /// A compacted store of three users; the snapshot's path.
    func store(in dir: URL) throws -> String {
        let store = try ScriptStore.open(directory: dir, scriptId: Self.sid)
        for (i, name) in ["Ann", "Ben", "Cat"].enumerated() {
            try store.commit([.upsertUser(UserAccess(username: name, expiry: SnapshotDate.parse("2027-0\(i + 1)-15T00:00:00Z"))),
                              .markProcessed(transactionId: "tx-\(i)")])
        }
        try store.compact()
        store.close()
        return store.snapshotPath
    }

    func refused(_ dir: URL, _ snapshot: String, _ what: String) {
        for reader in ["open", "peek", "summary"] {
            do {
                switch reader {
                case "open": _ = try ScriptStore.open(directory: dir, scriptId: Self.sid)
                case "peek": _ = try ScriptStore.peek(directory: dir, scriptId: Self.sid, detail: .display)
                default: _ = try ScriptStore.peekSummary(directory: dir, scriptId: Self.sid)
                }
                Issue.record("\(reader) read a snapshot with \(what)")
            } catch let StoreError.corrupt(path, detail) {
                #expect(path == snapshot, "\(reader)")
                #expect(detail.contains("checksum") && detail.contains("store repair --script '\(Self.sid)'"), "\(reader): \(detail)")
            } catch {
                Issue.record("\(reader): \(error)")
            }
        }
    }

    @Test func aChangedDigitOrADeletedUserLineIsRefused() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let snapshot = try store(in: dir.url)
        let original = try String(contentsOfFile: snapshot, encoding: .utf8)
        #expect(original.contains("\n  \"crc\": \""), "\(original)")
        #expect(try ScriptStore.peek(directory: dir.url, scriptId: Self.sid).users.count == 3)

        // One year digit: still valid JSON, a different expiry.
        try original.replacingOccurrences(of: "2027-02-15", with: "2029-02-15").write(toFile: snapshot, atomically: true, encoding: .utf8)
        refused(dir.url, snapshot, "a changed digit")

        // Ben's line deleted (a middle member: the JSON still reads).
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.contains { $0.hasPrefix("    \"ben\": ") })
        try lines.filter { !$0.hasPrefix("    \"ben\": ") }.joined(separator: "\n").write(toFile: snapshot, atomically: true, encoding: .utf8)
        refused(dir.url, snapshot, "a deleted user line")

        // A checksum member moved off the end is no old snapshot.
        let moved = original.replacingOccurrences(of: "{\n  \"bootstrapped\"", with: "{\n  \"crc\": \"00000000\",\n  \"bootstrapped\"")
            .replacingOccurrences(of: #",\n  "crc": "[0-9a-f]{8}""#, with: "", options: .regularExpression)
        try moved.write(toFile: snapshot, atomically: true, encoding: .utf8)
        refused(dir.url, snapshot, "its checksum moved")
    }

    @Test func repairSetsADamagedSnapshotAsideAndKeepsTheStoreClosed() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let snapshot = try store(in: dir.url)
        let original = try String(contentsOfFile: snapshot, encoding: .utf8)
        try original.replacingOccurrences(of: "2027-01-15", with: "2027-01-16").write(toFile: snapshot, atomically: true, encoding: .utf8)
        let report = try ScriptStore.repair(directory: dir.url, scriptId: Self.sid, now: SnapshotDate.parse("2026-12-06T10:00:00Z")!)
        #expect(report.repaired && report.lostProcessed)
        #expect(report.snapshotDamage?.contains("checksum") == true)
        #expect(report.snapshotQuarantine.contains(snapshot + ".damaged-2026-12-06T100000Z"), "\(report.snapshotQuarantine)")
        #expect(!FileManager.default.fileExists(atPath: snapshot))
        let text = Listing.repair(report).joined(separator: "\n")
        #expect(text.contains("damaged-snapshot") && text.contains("store rebuild --script '\(Self.sid)'"), "\(text)")
        // Closed, not empty: an empty store would apply every purchase again.
        do {
            _ = try ScriptStore.open(directory: dir.url, scriptId: Self.sid)
            Issue.record("the store opened after its snapshot was set aside")
        } catch let StoreError.corrupt(_, detail) {
            #expect(detail.contains("store rebuild --script '\(Self.sid)'"), "\(detail)")
        }
    }

    @Test func snapshotsWithoutAChecksumStillLoadAndTheNextCompactionWritesOne() throws {
        // store-v2: written before snapshots had checksums (issue 18); store-v1 (GoldenStoreTests) too.
        let dir = try TempDir(); defer { dir.cleanup() }
        for name in try FileManager.default.contentsOfDirectory(atPath: GoldenStoreV2Tests.folder.path) {
            try FileManager.default.copyItem(at: GoldenStoreV2Tests.folder.appendingPathComponent(name), to: dir.url.appendingPathComponent(name))
        }
        let path = dir.url.appendingPathComponent(ScriptFileName.encode(GoldenStoreV2Tests.scriptId) + ".json").path
        let old = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(old.withUnsafeBytes { SnapshotCodec.checksum($0.bindMemory(to: UInt8.self)) } == .absent)
        #expect(try ScriptStore.peekSummary(directory: dir.url, scriptId: GoldenStoreV2Tests.scriptId).users.count == 3)
        let store = try ScriptStore.open(directory: dir.url, scriptId: GoldenStoreV2Tests.scriptId)
        #expect(store.state == GoldenStoreV2Tests.expected)
        try store.compact()
        store.close()
        let new = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(new.withUnsafeBytes { SnapshotCodec.checksum($0.bindMemory(to: UInt8.self)) } == .valid)
        #expect(try ScriptStore.peek(directory: dir.url, scriptId: GoldenStoreV2Tests.scriptId) == GoldenStoreV2Tests.expected)
    }
}

/// A snapshot as written before checksums: for tests of what the reader does with damage it can see
/// in the JSON itself (such a file has no checksum to fail first).
func withoutChecksum(_ bytes: [UInt8]) -> [UInt8] {
    Array(String(decoding: bytes, as: UTF8.self)
        .replacingOccurrences(of: #",\n  "crc": "[0-9a-f]{8}""#, with: "", options: .regularExpression).utf8)
}
