/// Fault injection settings, the body of `POST /__sandbox/faults`. Every field is optional; `{}` clears.
public struct Faults: Codable, Sendable, Equatable {
    /// Sleep this long before answering.
    public var latencyMs: Int?
    /// Share of requests answered with `errorStatus` (default 502) before they are handled.
    public var errorRate: Double?
    public var errorStatus: Int?
    /// Every Nth faulted request gets 429 with `Retry-After: retryAfterS` (default 1).
    public var rateLimitEvery: Int?
    public var retryAfterS: Int?
    /// Share of requests whose connection is closed (RST) without a response, before they are handled.
    public var resetRate: Double?
    /// Share of requests that are handled but answered 200 with a body that is not JSON.
    public var malformedRate: Double?
    /// After this many more authenticated TradingView calls the session expires until a new one is set.
    public var sessionExpireAfter: Int?
    /// The session expires this many seconds (fractions allowed) after the faults are set, on the
    /// sandbox's own clock, whether or not anyone calls, until a new session is set.
    public var sessionExpireAfterSeconds: Double?
    /// Every Nth grant or extension that would change access answers as if it did and changes nothing.
    public var dropWriteEvery: Int?
    /// Share of grants and extensions dropped that way (own draws, so the other faults' fates repeat).
    public var dropWriteRate: Double?
    /// Seed for the fault draws (default 0), so a run repeats exactly.
    public var seed: UInt64?
    /// Only paths containing one of these strings get faults; default every TradingView route
    /// (direct mode and access API).
    public var routes: [String]?

    public init(latencyMs: Int? = nil, errorRate: Double? = nil, errorStatus: Int? = nil,
                rateLimitEvery: Int? = nil, retryAfterS: Int? = nil, resetRate: Double? = nil,
                malformedRate: Double? = nil, sessionExpireAfter: Int? = nil,
                sessionExpireAfterSeconds: Double? = nil, dropWriteEvery: Int? = nil,
                dropWriteRate: Double? = nil, seed: UInt64? = nil, routes: [String]? = nil) {
        self.latencyMs = latencyMs; self.errorRate = errorRate; self.errorStatus = errorStatus
        self.rateLimitEvery = rateLimitEvery; self.retryAfterS = retryAfterS; self.resetRate = resetRate
        self.malformedRate = malformedRate; self.sessionExpireAfter = sessionExpireAfter
        self.sessionExpireAfterSeconds = sessionExpireAfterSeconds
        self.dropWriteEvery = dropWriteEvery; self.dropWriteRate = dropWriteRate
        self.seed = seed; self.routes = routes
    }

    enum CodingKeys: String, CodingKey {
        case latencyMs = "latency_ms", errorRate = "error_rate", errorStatus = "error_status"
        case rateLimitEvery = "rate_limit_every", retryAfterS = "retry_after_s", resetRate = "reset_rate"
        case malformedRate = "malformed_rate", sessionExpireAfter = "session_expire_after"
        case sessionExpireAfterSeconds = "session_expire_after_seconds"
        case dropWriteEvery = "drop_write_every", dropWriteRate = "drop_write_rate"
        case seed, routes
    }

    /// The path prefixes that count as TradingView routes, used when `routes` is not given.
    static let tradingViewRoutes = ["/username_hint/", "/pine_perm/", "/tvcoins/", "/tradingview/"]

    func applies(to path: String) -> Bool {
        if let routes { return routes.contains { path.contains($0) } }
        return Faults.tradingViewRoutes.contains { path.hasPrefix($0) }
    }
}
