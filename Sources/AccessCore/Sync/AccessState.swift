import Foundation

/// A user's access to one script as master data sees it, with the purchase rules of docs/ARCHITECTURE.md.
public enum AccessState: Hashable, Sendable {
    case none
    case until(Date)
    case lifetime

    /// The state master data holds for `user` (nil = never heard of them).
    public init(_ user: UserAccess?) {
        guard let user else { self = .none; return }
        self = user.expiry.map { .until($0) } ?? .lifetime
    }

    /// The expiry TradingView should hold: nil = lifetime. Meaningless for `.none`.
    public var expiry: Date? {
        if case .until(let d) = self { return d }
        return nil
    }

    public func isActive(at now: Date) -> Bool {
        switch self {
        case .none: return false
        case .lifetime: return true
        case .until(let d): return d > now
        }
    }

    /// The state after one purchase of `term`. Lifetime is never shortened and a lifetime purchase makes
    /// it lifetime; stacking extends from max(now, current expiry); without stacking the expiry becomes
    /// max(current, now + term), so a purchase never takes days away.
    /// A `.purchase` term has no length of its own: without the purchase's end it changes nothing
    /// (`applying(_ purchase:at:)` carries the end).
    public func applying(_ term: AccessTerm, stacking: Bool, now: Date) -> AccessState {
        if term == .purchase { return self }
        if self == .lifetime || term.isLifetime { return .lifetime }
        guard case .until(let current) = self else { return Self.from(term, start: now) }
        if stacking { return Self.from(term, start: max(now, current)) }
        let fresh = Self.from(term, start: now)
        guard case .until(let freshEnd) = fresh else { return fresh }
        return .until(max(current, freshEnd))
    }

    private static func from(_ term: AccessTerm, start: Date) -> AccessState {
        term.expiry(from: start).map { .until($0) } ?? .lifetime
    }

    public var label: String {
        switch self {
        case .none: return "none"
        case .lifetime: return "lifetime"
        case .until(let d): return ISODate.format(d)
        }
    }

    /// TradingView keeps whole seconds; a sub-second difference is the same expiry.
    public static func sameExpiry(_ a: Date?, _ b: Date?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?): return abs(x.timeIntervalSince(y)) < 1
        default: return false
        }
    }
}

extension Date {
    /// Whole seconds, so the expiry we compute survives TradingView's ISO-8601 round trip unchanged.
    public var wholeSeconds: Date { Date(timeIntervalSince1970: floor(timeIntervalSince1970)) }
}
