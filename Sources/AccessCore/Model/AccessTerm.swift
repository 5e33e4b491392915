import Foundation

/// How long one purchase entitles access for. Month and year terms are calendar arithmetic in UTC
/// (Jan 31 + 1M = Feb 28/29), never a fixed number of days.
public enum AccessTerm: Hashable, Sendable {
    case days(Int)
    case months(Int)
    case years(Int)
    case lifetime
    /// The purchase's own term: MemberPress's `expires_at` of the transaction (`"term": "memberpress"` in
    /// config), so TradingView shows the date the customer's WordPress account page shows. Its expiry
    /// comes from the transaction, never from a start date (`expiry(from:)` is nil: use `PurchaseEnd`).
    case purchase

    /// Parses `7D`, `2W`, `1M`, `3M`, `6M`, `1Y`, `lifetime` (case-insensitive).
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t == "LIFETIME" || t == "LIFE" { self = .lifetime; return }
        if t == "MEMBERPRESS" { self = .purchase; return }
        guard let unit = t.last, let n = Int(t.dropLast()), n > 0, n <= 10_000 else { return nil }
        switch unit {
        case "D": self = .days(n)
        case "W": self = .days(n * 7)
        case "M": self = .months(n)
        case "Y": self = .years(n)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .days(let n): return "\(n)D"
        case .months(let n): return "\(n)M"
        case .years(let n): return "\(n)Y"
        case .lifetime: return "lifetime"
        case .purchase: return "memberpress"
        }
    }

    public var isLifetime: Bool { self == .lifetime }

    private static let utc: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    /// The expiry this term gives when it starts at `start`; nil means lifetime.
    public func expiry(from start: Date) -> Date? {
        let cal = Self.utc
        switch self {
        case .days(let n): return cal.date(byAdding: .day, value: n, to: start)
        case .months(let n): return cal.date(byAdding: .month, value: n, to: start)
        case .years(let n): return cal.date(byAdding: .year, value: n, to: start)
        case .lifetime, .purchase: return nil
        }
    }
}

extension AccessTerm: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let term = AccessTerm(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "expected a term like 7D, 1M, 3M, 1Y, lifetime or memberpress, got \"\(text)\""))
        }
        self = term
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
