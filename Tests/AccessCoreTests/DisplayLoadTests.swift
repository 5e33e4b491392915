import Foundation
import Testing
@testable import AccessCore

/// The console's load path: a big users object read in chunks side by side, and the display view
/// (`ScriptStore.PeekDetail.display`). Both must mean exactly what the one-go full read means.
@Suite struct DisplayLoadTests {
    /// 12k users make a snapshot of ~6 MB, past `SnapshotCodec.chunkedUsersBytes`.
    static let users = 12_000

    private func decode(_ bytes: [UInt8], _ detail: ScriptStore.PeekDetail = .full) throws -> ScriptAccess {
        try bytes.withUnsafeBufferPointer { try SnapshotCodec.decode($0, detail: detail) }.state
    }

    @Test func aBigUsersObjectIsCutIntoChunksThatReadLikeTheWhole() throws {
        let state = StoreBenchmark.fixture(users: Self.users, scriptId: "PUB;chunks")
        let bytes = try SnapshotCodec.encode(state, journalSequence: 7)
        #expect(bytes.count > SnapshotCodec.chunkedUsersBytes)
        // The cut points the chunked reader would use are real user lines.
        try bytes.withUnsafeBufferPointer { buffer in
            let reader = JSONReader(buffer)
            let cut = try #require(reader.memberStart(after: bytes.count / 2, before: bytes.count))
            var member = JSONReader(buffer, at: cut, depth: 2)
            let key = try member.string()
            #expect(state.users[key] != nil)
        }
        #expect(try decode(bytes) == state)
        // And the chunked reader itself took it (on one core there is nothing to split across).
        if ProcessInfo.processInfo.activeProcessorCount > 1 {
            #expect(usersInChunks(bytes) == state.users)
        }
    }

    /// The users object of a snapshot as the chunked reader reads it (nil: it declined).
    private func usersInChunks(_ bytes: [UInt8]) -> [String: UserAccess]? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let key = text.range(of: "\"users\""), let open = text[key.upperBound...].firstIndex(of: "{") else { return nil }
        let at = text.utf8.distance(from: text.utf8.startIndex, to: open)
        return bytes.withUnsafeBufferPointer { buffer in
            var r = JSONReader(buffer, at: at, depth: 1)
            let parts = SnapshotCodec.readMembersInChunks(&r) { r, key in (key, try SnapshotCodec.readUser(&r)) }
            return parts.map { Dictionary($0.joined().map { $0 }, uniquingKeysWith: { _, later in later }) }
        }
    }

    @Test func aHandFormattedFileFallsBackToReadingInOneGo() throws {
        // Pretty-printed: newlines and ", then a quote" inside every user, so a cut lands mid-user.
        let state = StoreBenchmark.fixture(users: Self.users, scriptId: "PUB;pretty")
        let compact = try SnapshotCodec.encode(state, journalSequence: 3)
        // Without the checksum: a hand-formatted file is one from before checksums (or one that fails it).
        let object = try JSONSerialization.jsonObject(with: Data(withoutChecksum(compact)))
        let pretty = [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]))
        #expect(pretty.count > SnapshotCodec.chunkedUsersBytes)
        #expect(try decode(pretty) == state)
        // Either way it must read like the whole: cut inside a user or at one, never a different result.
        if let chunked = usersInChunks(pretty) { #expect(chunked == state.users) }
    }

    @Test func aChunkCutInsideAMemberIsRefused() throws {
        let json = Array("{\"a\": {\"x\": 1,\n  \"y\": 2},\n  \"b\": {\"x\": 3}}".utf8)
        let text = String(decoding: json, as: UTF8.self)
        let insideA = text.utf8.distance(from: text.utf8.startIndex, to: try #require(text.range(of: "\"y\"")).lowerBound)
        let atB = text.utf8.distance(from: text.utf8.startIndex, to: try #require(text.range(of: "\"b\"")).lowerBound)
        try json.withUnsafeBufferPointer { buffer throws in
            // The cut finder offers both places; only the one at a member reads.
            #expect(JSONReader(buffer).memberStart(after: 1, before: json.count) == insideA)
            var first = JSONReader(buffer, at: 1, depth: 1)
            #expect(throws: JSONReadError.self) { _ = try first.members(stoppingAt: insideA) { r, _ in _ = try r.skipValue() } }
            var good = JSONReader(buffer, at: 1, depth: 1)
            #expect(try good.members(stoppingAt: atB) { r, _ in _ = try r.skipValue() } == atB)
            var rest = JSONReader(buffer, at: atB, depth: 1)
            #expect(try rest.members(stoppingAt: nil) { r, _ in _ = try r.skipValue() } == json.count)
        }
    }

    @Test func damageInTheSecondHalfIsNamedAsTheOneGoReadNamesIt() throws {
        // Without the checksum, which would name the damage first (`SnapshotChecksumTests`).
        var bytes = withoutChecksum(try SnapshotCodec.encode(StoreBenchmark.fixture(users: Self.users, scriptId: "PUB;damaged"), journalSequence: 1))
        let text = String(decoding: bytes, as: UTF8.self)
        let target = try #require(text.range(of: "\"username\":\"User9000\""))
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: target.lowerBound)
        bytes.replaceSubrange(offset..<(offset + 10), with: Array("\"usernamx\"".utf8))   // the key misspelt
        do {
            _ = try decode(bytes)
            Issue.record("a user without a username was read")
        } catch let e as JSONReadError {
            #expect(e.message == "user without \"username\"")
            // The one-go read starts that user's object on the same line as the damage.
            let line = bytes[..<e.offset].filter { $0 == 0x0A }.count
            let damagedLine = bytes[..<offset].filter { $0 == 0x0A }.count
            #expect(line == damagedLine)
        }
    }

    @Test func theDisplayViewLeavesOutOnlyWhatASyncNeeds() throws {
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "display-view")
        defer { try? FileManager.default.removeItem(at: dir) }
        var state = StoreBenchmark.fixture(users: 300, scriptId: "PUB;view")
        state.users["user7"]?.history = []   // a user without history stays without
        try DurableFile.createDirectory(dir)
        let base = dir.appendingPathComponent(ScriptFileName.encode("PUB;view")).path
        try DurableFile.replace(base + ".json", with: try SnapshotCodec.encode(state, journalSequence: 0))

        let full = try ScriptStore.peek(directory: dir, scriptId: "PUB;view", detail: .full)
        let shown = try ScriptStore.peek(directory: dir, scriptId: "PUB;view", detail: .display)
        #expect(full == state)
        #expect(shown.processedTransactions.isEmpty)
        var expected = state
        expected.processedTransactions = []
        for key in expected.users.keys { expected.users[key]!.history = state.users[key]!.history.suffix(1).map { $0 } }
        #expect(shown == expected)
        #expect(shown.users["user3"]?.lastAction?.action == "extend")
    }

    /// `.queues`: the queues and run marks as the whole read has them, no users and no processed ids,
    /// not even those of journal lines after the snapshot.
    @Test func theQueuesViewLeavesOutTheUsers() throws {
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "queues-view")
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = StoreBenchmark.fixture(users: 300, scriptId: "PUB;queues")
        try DurableFile.createDirectory(dir)
        let base = dir.appendingPathComponent(ScriptFileName.encode("PUB;queues")).path
        try DurableFile.replace(base + ".json", with: try SnapshotCodec.encode(state, journalSequence: 0))
        do {
            let store = try ScriptStore.open(directory: dir, scriptId: "PUB;queues")
            try store.commit([.upsertUser(UserAccess(username: "late", expiry: nil)), .markProcessed(transactionId: "t-late"),
                              .dropRetry(id: "r2")])
            store.close()
        }
        let full = try ScriptStore.peek(directory: dir, scriptId: "PUB;queues", detail: .full)
        let queues = try ScriptStore.peek(directory: dir, scriptId: "PUB;queues", detail: .queues)
        #expect(full.users["late"] != nil && full.retryQueue["r2"] == nil)
        var expected = full
        expected.users = [:]; expected.processedTransactions = []
        #expect(queues == expected)
        #expect(queues.reviewQueue.count == 20 && queues.retryQueue.count == 19)
    }
}

/// The string scanner skips eight bytes at a time; it must stop exactly where the byte-by-byte rules do.
@Suite struct StringScanTests {
    @Test func aWordEndsPlainTextExactlyWhenOneOfItsBytesWould() {
        for b in 0...255 {
            for at in 0..<8 {
                var bytes = [UInt8](repeating: 0x61, count: 8)
                bytes[at] = UInt8(b)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                let special = b == 0x22 || b == 0x5C || b < 0x20
                #expect((JSONReader.specialBytes(word) != 0) == special, "byte \(b) at \(at)")
            }
        }
    }

    /// The scanner jumps to the lowest mark: it must be the first special byte whatever follows it
    /// (a borrow may mark bytes above). Every pair of bytes at every pair of places, over plain text.
    @Test func theLowestMarkIsTheFirstSpecialByte() {
        func special(_ b: UInt8) -> Bool { b == 0x22 || b == 0x5C || b < 0x20 }
        let samples: [UInt8] = [0x00, 0x01, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x61, 0x7F, 0x80, 0xA2, 0xDC, 0xFF]
        for b1 in 0...255 {
            for b2 in samples {
                for i in 0..<8 {
                    for j in 0..<8 where j != i {
                        var bytes = [UInt8](repeating: 0x61, count: 8)
                        bytes[i] = UInt8(b1); bytes[j] = b2
                        let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                        let marks = JSONReader.specialBytes(word)
                        let first = bytes.firstIndex(where: special)
                        #expect((marks == 0 ? nil : marks.trailingZeroBitCount >> 3) == first, "bytes \(bytes)")
                    }
                }
            }
        }
    }

    @Test func stringsEndEscapeAndFailWhereverTheByteFalls() throws {
        for length in 0..<20 {
            let text = String(repeating: "x", count: length)
            for (json, expected) in [("\"\(text)\" ", text), ("\"\(text)\\\"y\"", text + "\"y"), ("\"\(text)é\\\\\"", text + "é\\")] {
                let bytes = Array(json.utf8)
                let read = try bytes.withUnsafeBufferPointer { buf -> String in
                    var reader = JSONReader(buf)
                    return try reader.string()
                }
                #expect(read == expected)
            }
            let control = Array("\"\(text)\u{01}x\"".utf8)
            #expect(throws: JSONReadError.self) {
                try control.withUnsafeBufferPointer { buf in var reader = JSONReader(buf); _ = try reader.string() }
            }
            let open = Array("\"\(text)".utf8)
            #expect(throws: JSONReadError.self) {
                try open.withUnsafeBufferPointer { buf in var reader = JSONReader(buf); _ = try reader.string() }
            }
        }
    }
}
