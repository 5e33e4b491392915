import Foundation

/// The durable inbox of webhook deliveries: an append-only JSON-lines file in the data folder. A
/// delivery is written and fsynced before MemberPress gets its 200, and marked done once the worker
/// has settled it, so a crash or a restart loses none and a done one is not worked again.
public final class WebhookInbox: Sendable {
    public struct Entry: Codable, Sendable, Hashable {
        public var seq: Int
        public var event: String
        public var kind: WebhookDelivery.Kind
        public var transactionId: String
        public var receivedAt: Date
    }
    private struct Done: Codable { var done: Int; var outcome: String }
    private struct State { var pending: [Int: Entry] = [:]; var nextSeq = 1 }

    public var path: String { file.path }
    static let compactAfterBytes = 1 << 20
    private let file: AppendOnlyLines
    private let state: Locked<State>

    /// Opens the inbox and reloads what is still pending; a torn last line is ignored (and cut at the
    /// next append: `AppendOnlyLines`).
    public init(directory: URL) throws {
        file = AppendOnlyLines(path: directory.appendingPathComponent("webhook-inbox.jsonl").path)
        let decoder = Self.decoder
        var loaded = State()
        do {
            for line in try file.read().lines {
                if let e = try? decoder.decode(Entry.self, from: Data(line)) {
                    loaded.pending[e.seq] = e
                    loaded.nextSeq = max(loaded.nextSeq, e.seq + 1)
                } else if let d = try? decoder.decode(Done.self, from: Data(line)) {
                    loaded.pending[d.done] = nil
                }
            }
            // Everything done: start a fresh file rather than let it grow for the life of the service.
            if loaded.pending.isEmpty { try file.truncate() }
            try file.create()
        } catch {
            throw WebhookInboxError.io("\(error)")
        }
        state = Locked(loaded)
    }

    /// Records a delivery durably; returns its entry.
    public func record(_ delivery: WebhookDelivery, transactionId: String, now: Date = Date()) throws -> Entry {
        try state.withLock { state in
            let entry = Entry(seq: state.nextSeq, event: delivery.event, kind: delivery.kind, transactionId: transactionId, receivedAt: now)
            try append(Self.encoder.encode(entry))
            state.nextSeq += 1
            state.pending[entry.seq] = entry
            return entry
        }
    }

    /// Marks entries settled (`outcome` is a short word: applied, unconfirmed, ...).
    public func markDone(_ seqs: [Int], outcome: String) {
        state.withLock { state in
            for seq in seqs where state.pending[seq] != nil {
                if (try? append(Self.encoder.encode(Done(done: seq, outcome: outcome)))) != nil { state.pending[seq] = nil }
            }
            // Everything settled: start the file again rather than let it grow for the life of the service.
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if state.pending.isEmpty, size > Self.compactAfterBytes { try? file.truncate() }
        }
    }

    /// What is waiting, oldest first.
    public func pendingEntries() -> [Entry] { state.withLock { $0.pending.values.sorted { $0.seq < $1.seq } } }

    public var pendingCount: Int { state.withLock { $0.pending.count } }

    private func append(_ json: Data) throws {
        do { try file.append(json) } catch { throw WebhookInboxError.io("\(error)") }
    }

    static let encoder: JSONEncoder = { let e = JSONEncoder(); e.dateEncodingStrategy = TimeText.jsonEncoding; e.outputFormatting = .sortedKeys; return e }()
    static let decoder: JSONDecoder = { let d = JSONDecoder(); d.dateDecodingStrategy = TimeText.jsonDecoding; return d }()
}

public enum WebhookInboxError: Error, Sendable, CustomStringConvertible {
    case io(String)
    public var description: String {
        switch self {
        case .io(let detail): return "webhook inbox: \(detail)"
        }
    }
}
