import Foundation

public enum TransactionStatus: String, Codable, Sendable, CaseIterable {
    case pending, failed, complete, confirmed, refunded, chargeback

    /// Only completed and confirmed payments entitle access.
    public var entitles: Bool { self == .complete || self == .confirmed }
    /// Refunds and chargebacks never silently remove access: they go to manual review.
    public var needsReview: Bool { self == .refunded || self == .chargeback }
}

/// One payment record from WordPress, normalized from either endpoint style.
public struct Transaction: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var productId: String
    public var email: String
    public var wpUsername: String?
    /// The TradingView username exactly as the customer typed it (normalized later).
    public var tradingViewUsername: String
    public var status: TransactionStatus
    public var createdAt: Date
    /// MemberPress's own expiry; nil for lifetime ("0000-00-00 00:00:00") or when not sent.
    public var expiresAt: Date?
    /// True when WordPress said the purchase never expires (`0000-00-00 00:00:00`), not merely sent no date.
    public var endsNever: Bool = false
    public var amount: String?

    /// The end of the period this payment bought, as MemberPress says: nil when it sent no `expires_at`.
    public var purchaseEnd: PurchaseEnd? {
        if let expiresAt { return .until(expiresAt) }
        return endsNever ? .never : nil
    }

    public init(id: String, productId: String, email: String, wpUsername: String? = nil,
                tradingViewUsername: String, status: TransactionStatus, createdAt: Date,
                expiresAt: Date? = nil, endsNever: Bool = false, amount: String? = nil) {
        self.id = id; self.productId = productId; self.email = email; self.wpUsername = wpUsername
        self.tradingViewUsername = tradingViewUsername; self.status = status; self.createdAt = createdAt
        self.expiresAt = expiresAt; self.endsNever = endsNever; self.amount = amount
    }
}

/// Where a purchase's own period ends (MemberPress's `expires_at`).
public enum PurchaseEnd: Hashable, Sendable {
    case until(Date)
    case never
}
