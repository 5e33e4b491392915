import Foundation

/// The durable inbox of webhook deliveries: an append-only JSON-lines file in the data folder. A
/// delivery is written and fsynced before MemberPress gets its 200, and marked done once the worker
/// has settled it, so a crash or a restart loses none and a done one is not worked again.
public final class WebhookInbox: @unchecked Sendable {
    public struct Entry: Codable, Sendable, Hashable {
        public var seq: Int
        public var event: String
        public var kind: WebhookDelivery.Kind
        public var transactionId: String
        public var receivedAt: Date
    }
    private struct Done: Codable { var done: Int; var outcome: String }

    public let path: String
    static let compactAfterBytes = 1 << 20
    private let lock = NSLock()
    private var pending: [Int: Entry] = [:]
    private var nextSeq = 1
    private var fd: Int32 = -1

    /// Opens (creating) the inbox and reloads what is still pending; a torn last line is ignored.
    public init(directory: URL) throws {
        path = directory.appendingPathComponent("webhook-inbox.jsonl").path
        let decoder = Self.decoder
        if let data = FileManager.default.contents(atPath: path) {
            for line in data.split(separator: 0x0A) where !line.isEmpty {
                if let e = try? decoder.decode(Entry.self, from: Data(line)) {
                    pending[e.seq] = e
                    nextSeq = max(nextSeq, e.seq + 1)
                } else if let d = try? decoder.decode(Done.self, from: Data(line)) {
                    pending[d.done] = nil
                }
            }
        }
        if pending.isEmpty { try? FileManager.default.removeItem(atPath: path) }  // start a fresh file when all is done
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WebhookInboxError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Records a delivery durably; returns its entry.
    public func record(_ delivery: WebhookDelivery, transactionId: String, now: Date = Date()) throws -> Entry {
        try lock.withLock {
            let entry = Entry(seq: nextSeq, event: delivery.event, kind: delivery.kind, transactionId: transactionId, receivedAt: now)
            try append(Self.encoder.encode(entry))
            nextSeq += 1
            pending[entry.seq] = entry
            return entry
        }
    }

    /// Marks entries settled (`outcome` is a short word: applied, unconfirmed, ...).
    public func markDone(_ seqs: [Int], outcome: String) {
        lock.withLock {
            for seq in seqs where pending[seq] != nil {
                if (try? append(Self.encoder.encode(Done(done: seq, outcome: outcome)))) != nil { pending[seq] = nil }
            }
            // Everything settled: start the file again rather than let it grow for the life of the service.
            var info = stat()
            if pending.isEmpty, fstat(fd, &info) == 0, info.st_size > Self.compactAfterBytes {
                _ = ftruncate(fd, 0)
                _ = fsync(fd)
            }
        }
    }

    /// What is waiting, oldest first.
    public func pendingEntries() -> [Entry] { lock.withLock { pending.values.sorted { $0.seq < $1.seq } } }

    public var pendingCount: Int { lock.withLock { pending.count } }

    private func append(_ json: Data) throws {
        let line = json + Data([0x0A])
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else {
            throw WebhookInboxError.io("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    static let encoder: JSONEncoder = { let e = JSONEncoder(); e.dateEncodingStrategy = .iso8601; e.outputFormatting = .sortedKeys; return e }()
    static let decoder: JSONDecoder = { let d = JSONDecoder(); d.dateDecodingStrategy = .iso8601; return d }()
}

public enum WebhookInboxError: Error, Sendable, CustomStringConvertible {
    case io(String)
    public var description: String {
        switch self {
        case .io(let detail): return "webhook inbox: \(detail)"
        }
    }
}
