import Foundation

/// A record WordPress sent that could not be turned into a Transaction: kept, never dropped silently.
public struct RejectedRecord: Sendable, Hashable, Codable {
    public var recordId: String?
    public var reason: String
    public init(recordId: String?, reason: String) { self.recordId = recordId; self.reason = reason }
}

/// Something a read found that the run must say: it is the engine that logs.
public struct SourceNote: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// The read cannot show it saw every record since the watermark (the run exits 5).
        case incomplete
        /// A pending payment watched for too long: no longer re-read.
        case watchExpired
    }
    public var kind: Kind
    public var message: String
    public var transactionId: String?
    public init(_ kind: Kind, _ message: String, transactionId: String? = nil) {
        self.kind = kind; self.message = message; self.transactionId = transactionId
    }
}

public struct TransactionBatch: Sendable {
    /// Records dated at or after the `since` asked for (all of them without one), and records re-read
    /// because they were pending.
    public var transactions: [Transaction]
    public var rejected: [RejectedRecord]
    /// Records the read passed on its way that are dated before `since`: planned (processed ones are
    /// skipped, a paid one never applied is applied and logged as late), never reported as new.
    public var older: [Transaction] = []
    /// Ids of once-pending payments that now have a final status: kept watched until the engine
    /// acknowledges that master data handled them (`TransactionSource.acknowledge`).
    public var watched: Set<String> = []
    public var notes: [SourceNote] = []

    public init(transactions: [Transaction], rejected: [RejectedRecord], older: [Transaction] = [],
                watched: Set<String> = [], notes: [SourceNote] = []) {
        self.transactions = transactions; self.rejected = rejected; self.older = older
        self.watched = watched; self.notes = notes
    }

    /// False when the read cannot show it saw every record since the watermark.
    public var complete: Bool { !notes.contains { $0.kind == .incomplete } }
}

public protocol TransactionSource: Sendable {
    /// All transactions changed since `since` (nil = everything), every page.
    func transactions(since: Date?) async throws -> TransactionBatch
    /// Master data handled these once-pending payments (`TransactionBatch.watched`): stop re-reading them.
    func acknowledge(_ ids: Set<String>)
}

extension TransactionSource {
    public func acknowledge(_ ids: Set<String>) {}
}
