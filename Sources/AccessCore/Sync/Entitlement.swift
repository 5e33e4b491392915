import Foundation

/// One paid purchase of one script, as the entitlement rules see it.
public struct EntitledPurchase: Sendable, Hashable {
    public var transactionId: String
    public var createdAt: Date
    public var term: AccessTerm
    public var stacking: Bool
    /// MemberPress's own end of the period (`expires_at`), for `term == .purchase`.
    public var end: PurchaseEnd?

    public init(transactionId: String, createdAt: Date, term: AccessTerm, stacking: Bool, end: PurchaseEnd?) {
        self.transactionId = transactionId; self.createdAt = createdAt; self.term = term; self.stacking = stacking; self.end = end
    }
}

/// What a user's purchases entitle when each counts from its own date: the rule of a first run on a live
/// business (adoption), of `store rebuild` and of the user's history. A steady-state sync grants config
/// terms from the time of the sync instead (today's rule: the customer loses no days to a late sync).
public enum Entitlement {
    /// The access these purchases add up to, in (createdAt, id) order. `.until` in the past: it ended.
    public static func entitled(by purchases: [EntitledPurchase]) -> AccessState {
        purchases.sorted { ($0.createdAt, $0.transactionId) < ($1.createdAt, $1.transactionId) }
            .reduce(AccessState.none) { state, p in state.applying(p, at: p.createdAt) }
    }

    /// True when `held` is at least `entitled` (TradingView keeps whole seconds).
    public static func covers(_ held: AccessState, _ entitled: AccessState) -> Bool {
        switch (held, entitled) {
        case (.lifetime, _), (_, .none): return true
        case (_, .lifetime), (.none, _): return false
        case let (.until(h), .until(e)): return h.timeIntervalSince(e) > -1
        }
    }

    /// How far past the purchases TradingView may grant before it is listed for review: the tool before
    /// this one granted from its own sync time, hours or a day after the purchase.
    public static let excessTolerance: TimeInterval = 2 * 86_400

    /// True when `held` grants clearly more than `entitled` (lifetime held for a dated entitlement, or
    /// an expiry past the tolerance).
    public static func exceeds(_ held: AccessState, _ entitled: AccessState) -> Bool {
        switch (held, entitled) {
        case (.lifetime, .lifetime), (.none, _): return false
        case (.lifetime, _): return true
        case (.until, .lifetime): return false
        case let (.until(h), .until(e)): return h.timeIntervalSince(e) > excessTolerance
        case (.until, .none): return false
        }
    }
}

extension AccessState {
    /// The state after one purchase at `now`: its config term (`applying(_:stacking:now:)`), or for a
    /// `.purchase` term the purchase's own end (raised to, never shortened; an end already past grants nothing).
    public func applying(_ purchase: EntitledPurchase, at now: Date) -> AccessState {
        guard purchase.term == .purchase else { return applying(purchase.term, stacking: purchase.stacking, now: now) }
        guard let end = purchase.end else { return self }
        return raised(to: end, now: now)
    }

    /// Raised to a purchase's own end: lifetime for `.never`; a date past `now` when later than what is held.
    public func raised(to end: PurchaseEnd, now: Date) -> AccessState {
        if self == .lifetime { return self }
        switch end {
        case .never: return .lifetime
        case .until(let d):
            let date = d.wholeSeconds
            guard date > now else { return self }
            if case .until(let current) = self, current >= date { return self }
            return .until(date)
        }
    }
}
