import Foundation

/// One unit of work the engine owes a script: a purchase from WordPress, or a retry item carrying one.
/// `workId` is what becomes processed (a transaction id) or what the retry queue is keyed by.
public struct SyncWork: Sendable, Hashable {
    public var workId: String
    /// The WordPress transaction, when the work came from one (manual retries have none).
    public var transactionId: String?
    public var scriptId: String
    public var typedName: String
    public var email: String?
    public var wpUsername: String?
    public var productId: String?
    /// nil only for revokes.
    public var term: AccessTerm?
    public var stacking: Bool
    public var createdAt: Date
    /// MemberPress's end of the purchased period, for a `.purchase` term.
    public var purchaseEnd: PurchaseEnd?
    /// The retry item this work came from, so a failure counts one more attempt on it.
    public var retry: RetryItem?

    public init(workId: String, transactionId: String?, scriptId: String, typedName: String, email: String?,
                wpUsername: String?, productId: String?, term: AccessTerm?, stacking: Bool, createdAt: Date,
                retry: RetryItem? = nil, purchaseEnd: PurchaseEnd? = nil) {
        self.workId = workId; self.transactionId = transactionId; self.scriptId = scriptId
        self.typedName = typedName; self.email = email; self.wpUsername = wpUsername; self.productId = productId
        self.term = term; self.stacking = stacking; self.createdAt = createdAt; self.retry = retry
        self.purchaseEnd = purchaseEnd
    }

    /// The purchase as the entitlement rules see it (nil for revokes).
    public var entitledPurchase: EntitledPurchase? {
        term.map { EntitledPurchase(transactionId: workId, createdAt: createdAt, term: $0, stacking: stacking, end: purchaseEnd) }
    }

    /// Manual actions queue retries as "manual-<uuid>": they have no transaction to mark processed.
    public static func isManual(_ workId: String) -> Bool { workId.hasPrefix("manual-") }

    /// Read-back and the audit queue "repair-<uuid>" retry items: make TradingView agree with master data
    /// as it is when the item runs (`SyncPlanner.repairWrite`), covering no purchase of their own.
    public static func isRepair(_ workId: String) -> Bool { workId.hasPrefix(repairPrefix) }
    public static let repairPrefix = "repair-"

    /// Work of a repair item (see `isRepair`).
    public var isRepair: Bool { Self.isRepair(workId) }
}
