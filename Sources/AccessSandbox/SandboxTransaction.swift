import Foundation

/// One WordPress transaction in the seed-style flat shape of `/all-user-transactions`, also the body of
/// `POST /__sandbox/transactions`. Dates travel as `Y-m-d H:i:s` GMT; lifetime is `0000-00-00 00:00:00`.
public struct SandboxTransaction: Codable, Sendable, Equatable {
    public var id: Int
    public var productId: Int
    public var email: String
    public var wpUsername: String
    public var tradingviewUsername: String
    /// `pending`, `failed`, `complete`, `confirmed` or `refunded`.
    public var status: String
    public var createdAt: Date
    /// nil = lifetime.
    public var expiresAt: Date?

    public init(id: Int, productId: Int, email: String, wpUsername: String, tradingviewUsername: String,
                status: String, createdAt: Date, expiresAt: Date?) {
        self.id = id; self.productId = productId; self.email = email; self.wpUsername = wpUsername
        self.tradingviewUsername = tradingviewUsername; self.status = status
        self.createdAt = createdAt; self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case id, productId = "product_id", email, wpUsername = "wp_username"
        case tradingviewUsername = "tradingview_username", status, createdAt = "created_at", expiresAt = "expires_at"
    }

    /// Decodes leniently for the control route: `id` may be missing (0 = assign one), `created_at`
    /// may be missing (now), numbers may come as strings.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try Self.flexibleInt(c, .id) ?? 0
        guard let product = try Self.flexibleInt(c, .productId) else {
            throw DecodingError.keyNotFound(CodingKeys.productId, .init(codingPath: c.codingPath,
                                                                         debugDescription: "product_id is required"))
        }
        productId = product
        email = try c.decodeIfPresent(String.self, forKey: .email) ?? ""
        wpUsername = try c.decodeIfPresent(String.self, forKey: .wpUsername) ?? ""
        tradingviewUsername = try c.decodeIfPresent(String.self, forKey: .tradingviewUsername) ?? ""
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? "complete"
        let created = try c.decodeIfPresent(String.self, forKey: .createdAt)
        createdAt = created.flatMap(Timestamps.parseWordPress) ?? Date()
        let expires = try c.decodeIfPresent(String.self, forKey: .expiresAt)
        expiresAt = expires.flatMap(Timestamps.parseWordPress)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(productId, forKey: .productId)
        try c.encode(email, forKey: .email)
        try c.encode(wpUsername, forKey: .wpUsername)
        try c.encode(tradingviewUsername, forKey: .tradingviewUsername)
        try c.encode(status, forKey: .status)
        try c.encode(Timestamps.wordPress(createdAt), forKey: .createdAt)
        try c.encode(expiresAt.map(Timestamps.wordPress) ?? Timestamps.wordPressLifetime, forKey: .expiresAt)
    }

    private static func flexibleInt(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int? {
        if let number = try? c.decodeIfPresent(Int.self, forKey: key) { return number }
        if let text = try c.decodeIfPresent(String.self, forKey: key) { return Int(text) }
        return nil
    }
}
