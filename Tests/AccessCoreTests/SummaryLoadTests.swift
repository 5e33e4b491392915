import Foundation
import Testing
@testable import AccessCore
@testable import AccessSandbox

/// The console reads master data as `ScriptSummary` (users in file order, newest history entry, no
/// dictionary). Whatever the files hold, it must show what the whole read shows.
@Suite struct SummaryLoadTests {
    private func folder(_ name: String) throws -> URL {
        let dir = try DemoWorkspace.temporaryDirectory(prefix: name)
        try DurableFile.createDirectory(dir)
        return dir
    }

    private func writeSnapshot(_ state: ScriptAccess, in dir: URL, sequence: Int = 0) throws {
        let base = dir.appendingPathComponent(ScriptFileName.encode(state.scriptId)).path
        try DurableFile.replace(base + ".json", with: try SnapshotCodec.encode(state, journalSequence: sequence))
    }

    /// A big file (read in chunks, mapped) plus journal lines after it: the summary equals the summary
    /// of the whole read, users in key order.
    @Test func aSummaryShowsWhatTheWholeReadHolds() throws {
        let dir = try folder("summary-load")
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = StoreBenchmark.fixture(users: DisplayLoadTests.users, scriptId: "PUB;sum")
        try writeSnapshot(state, in: dir)
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        do {
            let store = try ScriptStore.open(directory: dir, scriptId: "PUB;sum")
            try store.commit([.upsertUser(UserAccess(username: "Aaron", email: "a@example.com", expiry: at)),
                              .removeUser(username: "user5"),
                              .appendHistory(username: "USER7", entry: HistoryEntry(at: at, actor: "ops", action: "revoke", result: "failed: 503")),
                              .appendHistory(username: "nobody", entry: HistoryEntry(at: at, actor: "ops", action: "grant")),
                              .upsertUser(UserAccess(username: "zz_last", expiry: nil)),
                              .dropReview(id: "v3"), .markProcessed(transactionId: "t-new")])
            store.close()
        }
        let full = try ScriptStore.peek(directory: dir, scriptId: "PUB;sum")
        let summary = try ScriptStore.peekSummary(directory: dir, scriptId: "PUB;sum")
        #expect(full.users.count == DisplayLoadTests.users + 1)
        #expect(summary == ScriptSummary(full))
        #expect(summary.users.map(\.key) == full.users.keys.sorted())
        #expect(summary.user(key: "user7")?.lastAction?.action == "revoke")
        #expect(summary.user(key: "user5") == nil && summary.user(key: "nobody") == nil)
        #expect(summary.reviewQueue["v3"] == nil && summary.reviewQueue.count == 19)
        if ProcessInfo.processInfo.activeProcessorCount > 1 {
            let bytes = try #require(try DurableFile.readAll(dir.appendingPathComponent(ScriptFileName.encode("PUB;sum")).path + ".json"))
            let parts = try bytes.withUnsafeBufferPointer { try SnapshotCodec.decodeSummary($0) }.0.users.parts
            #expect(parts.count > 1, "a big users object is read in chunks, and the chunks are kept as parts")
        }
    }

    /// Journal changes mean to a summary what they mean to the whole script: random runs of every
    /// kind of change, on users that exist and users that do not.
    @Test func journalChangesMeanWhatTheyMeanToTheWholeScript() {
        var rng = SplitMix64(seed: 7)
        let names = (0..<40).map { $0 % 3 == 0 ? "User\($0)" : "user\($0)" }
        for round in 0..<200 {
            var whole = ScriptAccess(scriptId: "PUB;rand")
            for name in names.shuffled(using: &rng).prefix(Int.random(in: 0...30, using: &rng)) {
                whole.apply(.upsertUser(UserAccess(username: name, email: "\(name)@x", expiry: Date(timeIntervalSince1970: Double(round)))))
            }
            // As read side by side: the users in one to four parts.
            let base = ScriptSummary(whole)
            let all = Array(base.users), k = round % 4 + 1
            let cut = UserList(parts: (0..<k).map { Array(all[(all.count * $0 / k)..<(all.count * ($0 + 1) / k)]) })
            var summary = ScriptSummary(script: base.script, usersInFileOrder: cut)
            #expect(all.count < k || summary.users.parts.count == k)
            var changes: [AccessChange] = []
            for i in 0..<Int.random(in: 0...25, using: &rng) {
                let name = names.randomElement(using: &rng)!
                let spelled = Bool.random(using: &rng) ? name.uppercased() : name
                let at = Date(timeIntervalSince1970: Double(round * 100 + i))
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: changes.append(.upsertUser(UserAccess(username: spelled, email: nil, expiry: at)))
                case 1: changes.append(.removeUser(username: spelled))
                case 2, 3: changes.append(.appendHistory(username: spelled, entry: HistoryEntry(at: at, actor: "a", action: "extend\(i)")))
                case 4: changes.append(.markProcessed(transactionId: "t\(i)"))
                default: changes.append(.setTitle("title \(i)"))
                }
            }
            for c in changes { whole.apply(c) }
            summary.apply(changes)
            #expect(summary == ScriptSummary(whole), "round \(round)")
            #expect(summary.users.map(\.key) == whole.users.keys.sorted(), "round \(round)")
        }
    }

    /// A hand-edited file: users out of key order and a key twice. Read like a dictionary: in key
    /// order, the later one kept.
    @Test func aFileOutOfKeyOrderReadsLikeADictionary() throws {
        func user(_ name: String, _ email: String) -> String {
            "\"\(name.lowercased())\": {\"email\":\"\(email)\",\"expiry\":null,\"history\":[],\"username\":\"\(name)\"}"
        }
        let json = "{\"scriptId\": \"PUB;hand\", \"users\": {\n  " + [user("Zed", "z@x"), user("amy", "first@x"), user("Bob", "b@x"), user("amy", "second@x")]
            .joined(separator: ",\n  ") + "\n}}"
        let bytes = Array(json.utf8)
        let summary = try bytes.withUnsafeBufferPointer { try SnapshotCodec.decodeSummary($0) }.0
        let full = try bytes.withUnsafeBufferPointer { try SnapshotCodec.decode($0) }.state
        #expect(summary.users.map(\.key) == ["amy", "bob", "zed"])
        #expect(summary.user(key: "amy")?.email == "second@x")
        #expect(summary == ScriptSummary(full))
    }

    /// Damage reads as the same one-line error, naming the line, whichever way the file is read.
    @Test func damageIsNamedAsTheWholeReadNamesIt() throws {
        let dir = try folder("summary-damage")
        defer { try? FileManager.default.removeItem(at: dir) }
        try writeSnapshot(StoreBenchmark.fixture(users: DisplayLoadTests.users, scriptId: "PUB;bad"), in: dir)
        let path = dir.appendingPathComponent(ScriptFileName.encode("PUB;bad")).path + ".json"
        // Without the checksum, which would name the damage first (`SnapshotChecksumTests`).
        var bytes = withoutChecksum(try #require(try DurableFile.readAll(path)))
        let text = String(decoding: bytes, as: UTF8.self)
        let target = try #require(text.range(of: "\"username\":\"User9000\""))
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: target.lowerBound)
        bytes.replaceSubrange(offset..<(offset + 10), with: Array("\"usernamx\"".utf8))
        try DurableFile.replace(path, with: bytes)
        func message(_ read: () throws -> Void) -> String {
            do { try read(); return "read" } catch { return String(describing: error) }
        }
        let whole = message { _ = try ScriptStore.peek(directory: dir, scriptId: "PUB;bad") }
        let summary = message { _ = try ScriptStore.peekSummary(directory: dir, scriptId: "PUB;bad") }
        #expect(whole.contains("user without \\\"username\\\"") || whole.contains("user without \"username\""))
        #expect(summary == whole)
    }
}

/// Reading a file's bytes: mapped when over 1 MB, read in ranges side by side when big, whole when
/// small. Every way must give exactly the file's bytes.
@Suite struct FileContentsTests {
    @Test func everyWayGivesTheFilesBytes() throws {
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "contents")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SplitMix64(seed: 3)
        for size in [0, 10, 4096, (1 << 20) + 7, (9 << 20) + 3] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let path = dir.appendingPathComponent("f\(size)").path
            try DurableFile.replace(path, with: bytes)
            #expect(try DurableFile.readAll(path) == bytes, "read, \(size) bytes")
            let seen = try DurableFile.withContents(path) { $0.map(Array.init) }
            #expect(seen == bytes, "contents, \(size) bytes")
        }
        let missing = dir.appendingPathComponent("absent").path
        #expect(try DurableFile.readAll(missing) == nil)
        #expect(try DurableFile.withContents(missing) { $0 == nil })
    }

    /// A big file rewritten in place while mapped (what `cp backup.json` over a snapshot does): the
    /// pages past its new end are gone, which would be a SIGBUS. The reader sees zeros instead, and
    /// the mapping says it was torn, so `withContents` reads the file again.
    @Test func aFileCutWhileMappedIsTornNotACrash() throws {
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "cut-while-mapped")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("snapshot.json").path
        var mapped = false, zeros = 0
        var torn: Int?
        // Other tests map files too: wait for a free slot (the body runs only when mapped).
        for _ in 0..<1000 where !mapped {
            try DurableFile.replace(path, with: [UInt8](repeating: 0x61, count: 3 << 20))
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            torn = GuardedMapping.with(fd: fd, size: 3 << 20) { bytes -> Int in
                mapped = true
                // Rewritten in place, as cp does: cut to nothing, then the new content.
                let out = open(path, O_WRONLY | O_TRUNC)
                _ = "fresh".withCString { write(out, $0, 5) }
                close(out)
                zeros = bytes.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
                return zeros
            }
        }
        #expect(mapped)
        #expect(zeros >= (3 << 20) - 4096, "past the cut the reader saw zeros: \(zeros)")
        #expect(torn == nil, "torn: the caller reads the file again")
        #expect(try DurableFile.withContents(path) { $0.map { Array($0) } } == Array("fresh".utf8))
    }
}

/// A list of parts reads like one array, whatever its parts.
@Suite struct UserListTests {
    @Test func partsReadLikeOneArray() {
        let users = (0..<10).map { UserSummary(key: "u\($0)", username: "U\($0)") }
        let list = UserList(parts: [Array(users[0..<3]), [], Array(users[3..<4]), Array(users[4...])])
        #expect(list.parts.count == 3)
        #expect(list.count == 10 && Array(list) == users)
        #expect((0..<10).allSatisfy { list[$0] == users[$0] })
        #expect(list == UserList(users))
        #expect(list != UserList(Array(users.dropLast())))
        #expect(UserList().isEmpty && UserList(parts: [[], []]).isEmpty)
    }
}

