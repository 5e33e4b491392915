import Foundation

/// Checks each delivery's transaction id against the REST API: a webhook is a trigger, never proof of
/// payment. What WordPress confirms is handed to the engine; what it does not is logged and settled.
public struct WebhookConfirmer: Sendable {
    public typealias Lookup = @Sendable (String) async throws -> TransactionLookup
    let lookup: Lookup
    let events: EventHub

    public init(events: EventHub, lookup: @escaping Lookup) {
        self.events = events; self.lookup = lookup
    }

    public struct Checked: Sendable {
        /// Confirmed transactions, one per id, for the engine.
        public var transactions: [Transaction] = []
        /// The deliveries those transactions settle.
        public var toApply: [WebhookInbox.Entry] = []
        /// Deliveries settled without a write, by outcome (unconfirmed, rejected).
        public var settled: [String: [WebhookInbox.Entry]] = [:]
        /// Deliveries to try again (WordPress unreachable or failing).
        public var retry: [WebhookInbox.Entry] = []
    }

    /// Looks each distinct id up once.
    public func confirm(_ entries: [WebhookInbox.Entry]) async -> Checked {
        let ids = Array(Set(entries.map(\.transactionId))).sorted()
        // One at a time: deliveries come in ones and twos, and a release build of the task-group
        // version lost its answers (found by `make bench`); a missing answer is retried, never a crash.
        var results: [String: Result<TransactionLookup, any Error>] = [:]
        for id in ids {
            do { results[id] = .success(try await lookup(id)) } catch { results[id] = .failure(error) }
        }
        var checked = Checked()
        var added = Set<String>()
        for entry in entries {
            let id = entry.transactionId
            let fields = ["transaction": id, "event": entry.event, "kind": entry.kind.rawValue]
            switch results[id] ?? .failure(WebhookLookupMissing(id: id)) {
            case .failure(let error):
                checked.retry.append(entry)
                events.emit(.warning, .webhookLookupFailed, "transaction \(id) could not be confirmed yet: \(error)", fields: fields)
            case .success(.notFound):
                checked.settled["unconfirmed", default: []].append(entry)
                events.emit(.warning, .webhookUnconfirmed, "\(entry.event) for transaction \(id): WordPress has no such transaction; nothing granted",
                            fields: fields)
            case .success(.rejected(let reason)):
                checked.settled["rejected", default: []].append(entry)
                events.emit(.warning, .webhookRejected, "\(entry.event) for transaction \(id): the record cannot be used: \(reason)",
                            fields: fields)
            case .success(.found(let t)):
                guard t.status.entitles || t.status.needsReview else {
                    checked.settled["unconfirmed", default: []].append(entry)
                    events.emit(.warning, .webhookUnconfirmed,
                                "\(entry.event) for transaction \(id): WordPress says \(t.status.rawValue); nothing granted", fields: fields)
                    continue
                }
                checked.toApply.append(entry)
                if added.insert(t.id).inserted { checked.transactions.append(t) }
                events.emit(.info, .webhookConfirmed, "\(entry.event) for transaction \(id): WordPress says \(t.status.rawValue)",
                            fields: fields)
            }
        }
        return checked
    }
}

/// A delivery whose lookup gave no answer: kept for the next try, never a crash.
struct WebhookLookupMissing: Error, CustomStringConvertible {
    let id: String
    var description: String { "no answer for transaction \(id)" }
}
