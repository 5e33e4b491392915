import Foundation

/// A record WordPress sent that could not be turned into a Transaction: kept, never dropped silently.
public struct RejectedRecord: Sendable, Hashable, Codable {
    public var recordId: String?
    public var reason: String
    public init(recordId: String?, reason: String) { self.recordId = recordId; self.reason = reason }
}

public struct TransactionBatch: Sendable {
    public var transactions: [Transaction]
    public var rejected: [RejectedRecord]
    public init(transactions: [Transaction], rejected: [RejectedRecord]) { self.transactions = transactions; self.rejected = rejected }
}

public protocol TransactionSource: Sendable {
    /// All transactions changed since `since` (nil = everything), every page.
    func transactions(since: Date?) async throws -> TransactionBatch
}

