import Foundation

/// `masterData/{scriptId}.json`: the JSON of `ScriptAccess` (keys sorted, one user / queue item / intent
/// per line, so people can read and diff it) plus `journalSequence`, the last journal line it contains,
/// and last a checksum of all that (`SnapshotCodec+Checksum.swift`).
/// Hand-written for users and transaction ids because Codable takes seconds at 100k users on Linux.
enum SnapshotCodec {
    struct Snapshot {
        var state: ScriptAccess
        var journalSequence: Int
    }

    static func encode(_ state: ScriptAccess, journalSequence: Int) throws -> [UInt8] {
        var w = JSONWriter(capacity: 256 + state.users.count * 320 + state.processedTransactions.count * 24)
        let encoder = StoreJSON.encoder()
        w.raw("{\n  "); w.key("bootstrapped"); w.raw(" "); w.bool(state.bootstrapped)
        w.raw(",\n  "); w.key("journalSequence"); w.raw(" "); w.int(journalSequence)
        w.raw(",\n  "); w.key("lastProcessedAt"); w.raw(" "); w.date(state.lastProcessedAt)
        w.raw(",\n  "); w.key("openIntents"); w.raw(" ")
        try codableMap(state.openIntents, into: &w, encoder)
        w.raw(",\n  "); w.key("processedTransactions"); w.raw(" [")
        for (i, id) in state.processedTransactions.sorted().enumerated() {
            w.raw(i == 0 ? "\n    " : ",\n    "); w.string(id)
        }
        w.raw(state.processedTransactions.isEmpty ? "]" : "\n  ]")
        w.raw(",\n  "); w.key("retryQueue"); w.raw(" ")
        try codableMap(state.retryQueue, into: &w, encoder)
        w.raw(",\n  "); w.key("reviewQueue"); w.raw(" ")
        try codableMap(state.reviewQueue, into: &w, encoder)
        w.raw(",\n  "); w.key("scriptId"); w.raw(" "); w.string(state.scriptId)
        w.raw(",\n  "); w.key("title"); w.raw(" "); w.string(state.title)
        w.raw(",\n  "); w.key("users"); w.raw(" {")
        for (i, key) in state.users.keys.sorted().enumerated() {
            w.raw(i == 0 ? "\n    " : ",\n    "); w.string(key); w.raw(": ")
            writeUser(state.users[key]!, into: &w)
        }
        w.raw(state.users.isEmpty ? "}" : "\n  }")
        seal(&w)
        return w.bytes
    }

    /// Throws `JSONReadError` (byte offset) or a Codable error for the queue parts.
    /// `.display` reads what `ScriptStore.PeekDetail.display` promises: no processed ids, only the
    /// newest history entry of each user (the older ones are skipped as JSON, their fields not read);
    /// `.queues` skips the users as JSON (still checked, never read).
    static func decode(_ data: UnsafeBufferPointer<UInt8>, detail: ScriptStore.PeekDetail = .full) throws -> Snapshot {
        var users: [String: UserAccess] = [:]
        var snapshot = try decode(data, processedIds: detail == .full) { r in
            if detail == .queues { try r.skipValue(); return }
            users = try readUsers(&r, newestHistoryOnly: detail == .display)
        }
        snapshot.state.users = users
        return snapshot
    }

    /// The snapshot as the console shows it: users as summaries in file order (see `ScriptSummary`).
    static func decodeSummary(_ data: UnsafeBufferPointer<UInt8>) throws -> (ScriptSummary, Int) {
        var users = UserList()
        let snapshot = try decode(data, processedIds: false) { r in users = try readUserSummaries(&r) }
        return (ScriptSummary(script: snapshot.state, usersInFileOrder: users), snapshot.journalSequence)
    }

    /// Everything but the users object, which `readUsers` reads; `state.users` is left empty.
    private static func decode(_ data: UnsafeBufferPointer<UInt8>, processedIds: Bool,
                               readUsers: (inout JSONReader) throws -> Void) throws -> Snapshot {
        let sum = checksum(data)
        if sum == .mismatch { throw SnapshotChecksumError(detail: "its checksum does not match its content") }
        var r = JSONReader(data)
        var state = ScriptAccess(scriptId: "")
        var sequence = 0
        var sawScriptId = false
        let decoder = StoreJSON.decoder()
        func codable<T: Decodable>(_ type: T.Type, _ r: inout JSONReader) throws -> T {
            let start = r.pos
            let range = try r.skipValue()
            do {
                return try decoder.decode(T.self, from: Data(UnsafeBufferPointer(rebasing: data[range])))
            } catch {
                throw JSONReadError(offset: start, message: StoreJSON.describe(error))
            }
        }
        try r.object { r, key in
            switch key {
            case "bootstrapped": state.bootstrapped = try r.bool()
            case "journalSequence": sequence = try r.int()
            case "lastProcessedAt": state.lastProcessedAt = try r.optionalDate()
            case "openIntents": state.openIntents = try codable([String: WriteIntent].self, &r)
            case "retryQueue": state.retryQueue = try codable([String: RetryItem].self, &r)
            case "reviewQueue": state.reviewQueue = try codable([String: ReviewItem].self, &r)
            case "scriptId": state.scriptId = try r.string(); sawScriptId = true
            case "title": state.title = try r.optionalString()
            case "processedTransactions" where !processedIds: try r.skipValue()
            case "processedTransactions":
                var ids: [String] = []
                try r.array { r in ids.append(try r.string()) }
                state.processedTransactions = Set(ids)
            case "users": try readUsers(&r)
            case "crc" where sum == .absent:
                throw SnapshotChecksumError(detail: "its checksum is not where it is written (the last member)")
            default: try r.skipValue()  // written by a newer version: keep reading
            }
        }
        guard r.atEnd() else { throw r.fail("unexpected text after the snapshot") }
        guard sawScriptId else { throw JSONReadError(offset: 0, message: "missing \"scriptId\"") }
        return Snapshot(state: state, journalSequence: sequence)
    }

    private static func codableMap<T: Encodable>(_ map: [String: T], into w: inout JSONWriter, _ encoder: JSONEncoder) throws {
        guard !map.isEmpty else { w.raw("{}"); return }
        w.raw("{")
        for (i, key) in map.keys.sorted().enumerated() {
            w.raw(i == 0 ? "\n    " : ",\n    "); w.string(key); w.raw(": ")
            w.raw(try encoder.encode(map[key]!))
        }
        w.raw("\n  }")
    }

    static func writeUser(_ u: UserAccess, into w: inout JSONWriter) {
        w.raw("{"); w.key("email"); w.string(u.email)
        w.raw(","); w.key("expiry"); w.date(u.expiry)
        w.raw(","); w.key("grantedAt"); w.date(u.grantedAt)
        w.raw(","); w.key("history"); w.raw("[")
        for (i, h) in u.history.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{"); w.key("action"); w.string(h.action)
            w.raw(","); w.key("actor"); w.string(h.actor)
            w.raw(","); w.key("at"); w.date(h.at)
            w.raw(","); w.key("expiry"); w.date(h.expiry)
            w.raw(","); w.key("result"); w.string(h.result)
            w.raw(","); w.key("transactionId"); w.string(h.transactionId)
            w.raw("}")
        }
        w.raw("]")
        // Only when known: master data without ids reads and writes exactly as before.
        if let id = u.tvUserId { w.raw(","); w.key("tvUserId"); w.int(id) }
        w.raw(","); w.key("username"); w.string(u.username)
        w.raw(","); w.key("wpUsername"); w.string(u.wpUsername)
        w.raw("}")
    }

    static func readUser(_ r: inout JSONReader, newestHistoryOnly: Bool = false) throws -> UserAccess {
        let start = r.pos
        var u = UserAccess(username: "", expiry: nil)
        var sawName = false
        try r.rawKeyObject { r, key in
            if JSONReader.is(key, "username") { u.username = try r.string(); sawName = true }
            else if JSONReader.is(key, "email") { u.email = try r.optionalString() }
            else if JSONReader.is(key, "wpUsername") { u.wpUsername = try r.optionalString() }
            else if JSONReader.is(key, "expiry") { u.expiry = try r.optionalDate() }
            else if JSONReader.is(key, "grantedAt") { u.grantedAt = try r.optionalDate() }
            else if JSONReader.is(key, "tvUserId") { u.tvUserId = try r.optionalInt() }
            else if JSONReader.is(key, "history") {
                if newestHistoryOnly {
                    if let newest = try readNewestHistory(&r) { u.history = [newest] }
                } else {
                    try r.array { r in u.history.append(try readHistory(&r)) }
                }
            }
            else { try r.skipValue() }
        }
        guard sawName else { throw JSONReadError(offset: start, message: "user without \"username\"") }
        return u
    }

    /// One user's summary: the fields the console shows, the rest skipped as JSON.
    static func readUserSummary(_ r: inout JSONReader, key: String) throws -> UserSummary {
        let start = r.pos
        var u = UserSummary(key: key, username: "")
        var sawName = false
        try r.rawKeyObject { r, field in
            if JSONReader.is(field, "username") { u.username = try r.string(); sawName = true }
            else if JSONReader.is(field, "email") { u.email = try r.optionalString() }
            else if JSONReader.is(field, "expiry") { u.expiry = try r.optionalDate() }
            else if JSONReader.is(field, "history") { u.lastAction = try readNewestHistory(&r) }
            else { try r.skipValue() }
        }
        guard sawName else { throw JSONReadError(offset: start, message: "user without \"username\"") }
        return u
    }

    /// The last entry of a history array; the ones before it are skipped as JSON, their fields not read.
    private static func readNewestHistory(_ r: inout JSONReader) throws -> HistoryEntry? {
        var newest: Range<Int>?
        try r.array { r in newest = try r.skipValue() }
        guard let newest else { return nil }
        var one = JSONReader(r.bytes, at: newest.lowerBound, depth: 4)
        return try readHistory(&one)
    }

    private static func readHistory(_ r: inout JSONReader) throws -> HistoryEntry {
        let start = r.pos
        var at: Date?
        var h = HistoryEntry(at: Date(timeIntervalSince1970: 0), actor: "", action: "")
        try r.rawKeyObject { r, key in
            if JSONReader.is(key, "at") { at = try r.date() }
            else if JSONReader.is(key, "actor") { h.actor = try r.string() }
            else if JSONReader.is(key, "action") { h.action = try r.string() }
            else if JSONReader.is(key, "expiry") { h.expiry = try r.optionalDate() }
            else if JSONReader.is(key, "transactionId") { h.transactionId = try r.optionalString() }
            else if JSONReader.is(key, "result") { h.result = try r.string() }
            else { try r.skipValue() }
        }
        guard let at else { throw JSONReadError(offset: start, message: "history entry without \"at\"") }
        h.at = at
        return h
    }
}
