import Foundation

/// What the engine needs from config.json, plus the retry-queue policy.
public struct SyncSettings: Sendable {
    public var products: [String: ProductConfig]
    /// Remote writes in flight at once (the client enforces its own cap and rate limit as well).
    public var concurrency: Int
    /// A retry item with this many failed attempts goes to manual review.
    public var maxAttempts: Int
    public var backoffBase: TimeInterval
    public var backoffMax: TimeInterval
    /// WordPress is asked for transactions since the earliest marker minus this; processed ids make the overlap safe.
    public var sinceOverlap: TimeInterval
    /// Subject of the invalid-username email.
    public var mailSubject: String
    /// Sender shown in the invalid-username email's text.
    public var vendorName: String
    /// The invalid-username email (`email.template`, or the built-in one).
    public var mailTemplate: MailTemplate = .invalidUsername
    /// Where customers can write back (`email.from`).
    public var supportAddress: String = ""
    /// The record of invalid-username emails sent (`SentMailFile`), so each purchase gets one ever;
    /// nil: once per run only.
    public var sentMailPath: String?
    /// Users whose writes wait to be read back (`ReadBackPending`), kill-safe; nil: this run's writes only.
    public var readBackPendingPath: String?
    /// TradingView calls a minute (`tradingview.rate_limit_per_minute`): the audit paces its list reads by it.
    public var ratePerMinute: Int = TradingViewClientFactory.defaultPerMinute
    /// Makes the fix link of the invalid-username email; nil (no `server.public_base_url`): no link.
    public var fixLinks: FixLinkIssuer?
    /// Product titles for the email, by product id.
    var productTitles: [String: String] { products.compactMapValues(\.title) }

    public init(products: [String: ProductConfig], concurrency: Int = 4, maxAttempts: Int = 8,
                backoffBase: TimeInterval = 60, backoffMax: TimeInterval = 6 * 3600, sinceOverlap: TimeInterval = 3600,
                mailSubject: String = "Your TradingView username could not be found", vendorName: String = "our team") {
        self.products = products; self.concurrency = max(1, concurrency); self.maxAttempts = max(1, maxAttempts)
        self.backoffBase = backoffBase; self.backoffMax = backoffMax; self.sinceOverlap = sinceOverlap
        self.mailSubject = mailSubject; self.vendorName = vendorName
    }

    public init(config: AppConfig) {
        self.init(products: config.products, concurrency: config.tradingview.concurrency ?? 4,
                  mailSubject: config.email?.subject ?? MailTemplate.defaultInvalidUsernameSubject)
        ratePerMinute = config.tradingview.rateLimitPerMinute ?? TradingViewClientFactory.defaultPerMinute
        supportAddress = config.email?.from ?? ""
        if let q = config.scheduler.retryQueue {
            maxAttempts = max(1, q.maxAttempts)
            backoffBase = TimeInterval(q.firstBackoffMinutes * 60)
            backoffMax = TimeInterval(q.maxBackoffMinutes * 60)
        }
        if let overlap = config.scheduler.sinceOverlapMinutes { sinceOverlap = TimeInterval(overlap * 60) }
    }

    /// Every script some product entitles, sorted.
    public var scriptIds: [String] {
        Set(products.values.flatMap { $0.scripts.map(\.scriptId) }).sorted()
    }

    /// When a retry item that has failed `attempts` times is tried next: exponential, capped, and never
    /// sooner than the server asked for.
    public func nextAttempt(after attempts: Int, now: Date, retryAfter: TimeInterval?) -> Date {
        let exp = backoffBase * pow(2, Double(max(0, attempts - 1)))
        return now.addingTimeInterval(max(min(exp, backoffMax), retryAfter ?? 0))
    }
}
