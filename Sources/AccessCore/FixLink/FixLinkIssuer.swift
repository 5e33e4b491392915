import Foundation

/// Makes the `{public_base_url}/fix/{token}` link an invalid-username mail carries. Set in
/// `SyncSettings.fixLinks` only when `server.public_base_url` is configured; without it mails carry no link.
public struct FixLinkIssuer: Sendable {
    public static let defaultDays = 14

    public let baseURL: String
    public let lifetime: TimeInterval
    let keys: FixLinkKeyFile
    let clock: @Sendable () -> Date
    /// Told why no link could be made (the vault key is unusable): the mail then goes out without one.
    let onFailure: @Sendable (String) -> Void

    public init(baseURL: String, days: Int = FixLinkIssuer.defaultDays, keys: FixLinkKeyFile,
                clock: @escaping @Sendable () -> Date = { Date() }, onFailure: @escaping @Sendable (String) -> Void = { _ in }) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.lifetime = TimeInterval(max(1, days)) * 86_400
        self.keys = keys; self.clock = clock; self.onFailure = onFailure
    }

    /// The link for a review item, or nil: refunds and conflicts never get one (only a mistyped name
    /// is the customer's to fix).
    public func link(for item: ReviewItem) -> String? {
        guard item.reason == .invalidUsername else { return nil }
        do {
            let token = FixLinkToken(transactionId: item.transactionId, expiresAt: clock().addingTimeInterval(lifetime))
            return "\(baseURL)/fix/\(try keys.signer().sign(token))"
        } catch {
            onFailure("no fix link in the mail for purchase \(item.transactionId): \(error)")
            return nil
        }
    }
}
