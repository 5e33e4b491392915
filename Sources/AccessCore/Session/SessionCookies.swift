import Foundation

/// The TradingView account's session cookies. Never printed: `description` masks them.
public struct SessionCookies: Codable, Sendable, Hashable, CustomStringConvertible {
    public var sessionid: String
    public var sessionidSign: String
    public var savedAt: Date
    public init(sessionid: String, sessionidSign: String, savedAt: Date = Date()) {
        self.sessionid = sessionid; self.sessionidSign = sessionidSign; self.savedAt = savedAt
    }
    public var description: String { "SessionCookies(sessionid: \(Self.mask(sessionid)), sessionid_sign: \(Self.mask(sessionidSign)))" }
    public var debugDescription: String { description }

    /// Shows only the length and last two characters: enough to tell two cookies apart.
    public static func mask(_ secret: String) -> String {
        guard secret.count > 6 else { return String(repeating: "•", count: secret.count) }
        return String(repeating: "•", count: 6) + secret.suffix(2) + " (\(secret.count) chars)"
    }
}

/// Where the direct client gets cookies from at call time, so a `cookies set` takes effect without a restart.
public protocol CookieProvider: Sendable {
    func currentCookies() -> SessionCookies?
    /// Why `currentCookies()` has none when cookies were saved but cannot be read (a damaged vault, a
    /// wrong key, a key file others can read); nil when none were saved, or there is nothing to say.
    func unavailableReason() -> String?
}

extension CookieProvider {
    public func unavailableReason() -> String? { nil }
}
