import Foundation

/// Journal lines by hand for the changes every remote write makes (the user with their history, an
/// intent opened and closed, a transaction marked): through Codable one such line costs a good part of a
/// millisecond on Linux, paid twice per write. The text is what `AccessChange`'s Codable writes for the
/// same change (named members, see `AccessChange+Codable.swift`), and any other change goes through Codable.
///
/// A line is `{"changes":[...],"seq":N,"crc":"xxxxxxxx"}`: the checksum (CRC-32, 8 lowercase hex digits)
/// covers every byte before `,"crc"`, so a changed byte anywhere in the line is found. Lines written
/// before checksums (no `crc`, `_0` for unlabelled values) still read.
enum JournalCodec {
    /// `,"crc":"` + 8 hex digits + `"}`.
    static let checksumSuffixLength = 18
    private static let checksumPrefix = Array(#","crc":""#.utf8)

    /// Whether a line carries a checksum, and whether it matches.
    enum Checksum: Equatable { case valid, absent, mismatch }

    static func checksum(of text: UnsafeBufferPointer<UInt8>) -> Checksum {
        let n = text.count, k = checksumSuffixLength
        guard n >= k + 2, text[n - 2] == 0x22, text[n - 1] == 0x7D,
              text[(n - k)..<(n - k + checksumPrefix.count)].elementsEqual(checksumPrefix) else {
            // Something that looks like a checksum member but is not at the end is damage, not an old line.
            return contains(text, #""crc":"#) ? .mismatch : .absent
        }
        guard let stored = UInt32(String(decoding: UnsafeBufferPointer(rebasing: text[(n - 10)..<(n - 2)]), as: UTF8.self), radix: 16)
        else { return .mismatch }
        return CRC32.checksum(UnsafeBufferPointer(rebasing: text[0..<(n - k)])) == stored ? .valid : .mismatch
    }

    private static func contains(_ text: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        let m = needle.utf8CodeUnitCount
        guard text.count >= m else { return false }
        return needle.withUTF8Buffer { nb in
            (0...(text.count - m)).contains { i in text[i] == nb[0] && memcmp(text.baseAddress! + i, nb.baseAddress!, m) == 0 }
        }
    }

    static func encode(_ line: JournalLine, encoder: JSONEncoder) throws -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        w.raw("{"); w.key("changes"); w.raw("[")
        for (i, change) in line.changes.enumerated() {
            if i > 0 { w.raw(",") }
            switch change {
            case .upsertUser(let user):
                w.raw("{"); w.key("upsertUser"); w.raw("{"); w.key("user"); SnapshotCodec.writeUser(user, into: &w); w.raw("}}")
            case .openIntent(let intent):
                w.raw("{"); w.key("openIntent"); w.raw("{"); w.key("intent"); writeIntent(intent, into: &w); w.raw("}}")
            case .closeIntent(let id):
                w.raw("{"); w.key("closeIntent"); w.raw("{"); w.key("id"); w.string(id); w.raw("}}")
            case .dropRetry(let id):
                w.raw("{"); w.key("dropRetry"); w.raw("{"); w.key("id"); w.string(id); w.raw("}}")
            case .dropReview(let id):
                w.raw("{"); w.key("dropReview"); w.raw("{"); w.key("id"); w.string(id); w.raw("}}")
            case .markProcessed(let id):
                w.raw("{"); w.key("markProcessed"); w.raw("{"); w.key("transactionId"); w.string(id); w.raw("}}")
            case .setLastProcessed(let date):
                w.raw("{"); w.key("setLastProcessed"); w.raw("{"); w.key("date"); w.date(date); w.raw("}}")
            default:
                w.raw(try encoder.encode(change))
            }
        }
        w.raw("],"); w.key("seq"); w.int(line.seq)
        let crc = String(CRC32.checksum(w.bytes), radix: 16)
        w.raw(","); w.key("crc"); w.raw("\""); w.bytes.append(contentsOf: (String(repeating: "0", count: 8 - crc.count) + crc).utf8)
        w.raw("\"}")
        return w.bytes
    }

    /// Throws `JSONReadError` (offset within `text`) or a Codable error.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, decoder: JSONDecoder) throws -> JournalLine {
        var r = JSONReader(text)
        var seq: Int?
        var changes: [AccessChange] = []
        try r.object { r, key in
            switch key {
            case "seq": seq = try r.int()
            case "changes":
                try r.array { r in
                    let range = try r.skipValue()
                    changes.append(try change(UnsafeBufferPointer(rebasing: text[range]), offset: range.lowerBound, decoder: decoder))
                }
            default: try r.skipValue()
            }
        }
        guard r.atEnd() else { throw r.fail("text after the journal line") }
        guard let seq else { throw JSONReadError(offset: 0, message: "journal line without \"seq\"") }
        return JournalLine(seq: seq, changes: changes)
    }

    private static func change(_ text: UnsafeBufferPointer<UInt8>, offset: Int, decoder: JSONDecoder) throws -> AccessChange {
        var r = JSONReader(text)
        var cases = 0
        var known: AccessChange?
        do {
            try r.object { r, key in
                cases += 1
                switch key {
                case "upsertUser": known = try field(&r, "user", or: "_0") { try SnapshotCodec.readUser(&$0) }.map { .upsertUser($0) }
                case "openIntent": known = try field(&r, "intent", or: "_0") { try readIntent(&$0) }.map { .openIntent($0) }
                case "closeIntent": known = try field(&r, "id") { try $0.string() }.map { .closeIntent(id: $0) }
                case "dropRetry": known = try field(&r, "id") { try $0.string() }.map { .dropRetry(id: $0) }
                case "dropReview": known = try field(&r, "id") { try $0.string() }.map { .dropReview(id: $0) }
                case "markProcessed": known = try field(&r, "transactionId") { try $0.string() }.map { .markProcessed(transactionId: $0) }
                case "setLastProcessed": known = try field(&r, "date", or: "_0") { try $0.date() }.map { .setLastProcessed($0) }
                default: try r.skipValue()
                }
            }
        } catch var error as JSONReadError {
            error.offset += offset
            throw error
        }
        if cases == 1, let known { return known }
        return try decoder.decode(AccessChange.self, from: Data(text))
    }

    private static func writeIntent(_ i: WriteIntent, into w: inout JSONWriter) {
        w.raw("{"); w.key("createdAt"); w.date(i.createdAt)
        w.raw(","); w.key("id"); w.string(i.id)
        w.raw(","); w.key("operation"); w.string(i.operation.rawValue)
        w.raw(","); w.key("previousExpiry"); w.date(i.previousExpiry)
        w.raw(","); w.key("targetExpiry"); w.date(i.targetExpiry)
        w.raw(","); w.key("transactionId"); w.string(i.transactionId)
        w.raw(","); w.key("username"); w.string(i.username)
        w.raw(","); w.key("wasKnown"); w.bool(i.wasKnown)
        w.raw("}")
    }

    /// nil when a required member is missing or unknown: the caller falls back to Codable, which names it.
    private static func readIntent(_ r: inout JSONReader) throws -> WriteIntent? {
        var id: String?, operation: RemoteOperation?, username: String?, createdAt: Date?, wasKnown: Bool?
        var target: Date?, previous: Date?, transaction: String?
        try r.object { r, key in
            switch key {
            case "id": id = try r.string()
            case "operation": operation = RemoteOperation(rawValue: try r.string())
            case "username": username = try r.string()
            case "createdAt": createdAt = try r.date()
            case "wasKnown": wasKnown = try r.bool()
            case "targetExpiry": target = try r.optionalDate()
            case "previousExpiry": previous = try r.optionalDate()
            case "transactionId": transaction = try r.optionalString()
            default: try r.skipValue()
            }
        }
        guard let id, let operation, let username, let createdAt, let wasKnown else { return nil }
        return WriteIntent(id: id, operation: operation, username: username, targetExpiry: target, previousExpiry: previous,
                           wasKnown: wasKnown, transactionId: transaction, createdAt: createdAt)
    }

    /// The value of `name` (or of `legacy`, its name in lines written before named members) in the
    /// object that comes next (other members skipped); nil when absent.
    private static func field<T>(_ r: inout JSONReader, _ name: String, or legacy: String? = nil,
                                 _ read: (inout JSONReader) throws -> T?) throws -> T? {
        var value: T?
        try r.object { r, key in
            if key == name || key == legacy { value = try read(&r) } else { try r.skipValue() }
        }
        return value
    }
}
