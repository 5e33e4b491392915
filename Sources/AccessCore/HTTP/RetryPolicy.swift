import Foundation

/// When and how often a failed exchange is tried again. Pure: randomness comes in as a parameter.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval

    public init(maxAttempts: Int = 4, baseDelay: TimeInterval = 0.5, maxDelay: TimeInterval = 30) {
        self.maxAttempts = max(1, maxAttempts); self.baseDelay = max(0, baseDelay); self.maxDelay = max(0, maxDelay)
    }

    public init(_ config: RetryConfig?) {
        let c = config ?? RetryConfig()
        self.init(maxAttempts: c.maxAttempts, baseDelay: Double(c.baseDelayMs) / 1000, maxDelay: Double(c.maxDelayMs) / 1000)
    }

    /// The largest delay after failed attempt `attempt` (1-based): base * 2^(attempt-1), capped.
    public func ceiling(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(min(max(attempt - 1, 0), 30))
        return min(maxDelay, baseDelay * pow(2, exponent))
    }

    /// Full jitter: uniform in [0, ceiling]. `unit` is a random number in [0, 1].
    public func delay(afterAttempt attempt: Int, unit: Double) -> TimeInterval {
        ceiling(afterAttempt: attempt) * min(max(unit, 0), 1)
    }

    /// Statuses worth another try: 429 and every 5xx.
    public static func isRetryable(status: Int) -> Bool { status == 429 || (500...599).contains(status) }
}

public enum RetryAfter {
    /// `Retry-After` as delta-seconds or an HTTP date (RFC 9110), as seconds from `now`; never negative.
    public static func parse(_ value: String?, now: Date = Date()) -> TimeInterval? {
        guard let raw = value?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        if let seconds = Double(raw), seconds.isFinite { return max(0, seconds) }
        return TimeText.parseHTTPDate(raw).map { max(0, $0.timeIntervalSince(now)) }
    }
}
