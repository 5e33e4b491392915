import Foundation

/// Checks each delivery's transaction id against the REST API: a webhook is a trigger, never proof of
/// payment. What WordPress confirms is handed to the engine; what it does not is logged and settled.
public struct WebhookConfirmer: Sendable {
    public typealias Lookup = @Sendable (String) async throws -> TransactionLookup
    let lookup: Lookup
    let events: EventHub
    /// Lookups in flight at once (the WordPress client caps its own connections as well).
    let parallel: Int

    public init(events: EventHub, parallel: Int = 4, lookup: @escaping Lookup) {
        self.events = events; self.lookup = lookup; self.parallel = max(1, parallel)
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

    /// Looks each distinct id up once, up to `parallel` at a time.
    public func confirm(_ entries: [WebhookInbox.Entry]) async -> Checked {
        let ids = Array(Set(entries.map(\.transactionId))).sorted()
        let results = await Self.lookUp(ids, parallel: parallel, lookup)
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

extension WebhookConfirmer {
    typealias Answers = [String: Result<TransactionLookup, any Error>]

    /// Every id's answer, `parallel` lookups at a time (a new one starts as one finishes).
    ///
    /// Why the task-group version lost answers in release builds (issue 19.7). Its child tasks were
    ///
    ///     group.addTask { do { return (id, .success(try await lookup(id))) } catch { return (id, .failure(error)) } }
    ///
    /// a tuple holding a captured value, returned from both arms of a `do`/`catch` around an `await`.
    /// Swift 6.3.1 on Linux miscompiles exactly that shape at `-O`: memory is corrupted, answers go
    /// missing (the caller trapped on `results[id]!`) or the process aborts ("pure virtual method
    /// called"). `-Onone` never shows it, so debug tests passed. `scripts/taskgroup-release-repro.swift`
    /// shows it in a few seconds, with the shapes next to it that work: the same group returning an
    /// enum, a single `return` after the `do`/`catch`, or the `do`/`catch` in a function of its own, as
    /// here. It was not a data race and not the group: the serial loop only hid it by taking the
    /// closure away. `SyncEngine.openSessions` returns a tuple from one path with no `do`/`catch`, and
    /// the lanes return `LaneEvent` cases, so both were never affected (the repro's `v1` and `v12`/`v14`
    /// shapes). `ConfirmParallelTests` runs this against the sandbox in the release build under the
    /// thread sanitizer (docs/ARCHITECTURE.md, section 7).
    static func lookUp(_ ids: [String], parallel: Int, _ lookup: @escaping Lookup) async -> Answers {
        await withTaskGroup(of: (String, Result<TransactionLookup, any Error>).self, returning: Answers.self) { group in
            var answers: Answers = [:]
            var pending = ids[...]
            var running = 0
            while true {
                while running < parallel, let id = pending.popFirst() {
                    running += 1
                    // One path out of the child, the `do`/`catch` inside `answer`: see above.
                    group.addTask { (id, await answer(id, lookup)) }
                }
                guard let (id, result) = await group.next() else { break }
                running -= 1
                answers[id] = result
            }
            return answers
        }
    }

    private static func answer(_ id: String, _ lookup: Lookup) async -> Result<TransactionLookup, any Error> {
        do { return .success(try await lookup(id)) } catch { return .failure(error) }
    }
}

/// A delivery whose lookup gave no answer: kept for the next try, never a crash.
struct WebhookLookupMissing: Error, CustomStringConvertible {
    let id: String
    var description: String { "no answer for transaction \(id)" }
}
