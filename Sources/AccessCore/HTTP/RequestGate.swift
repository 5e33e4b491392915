import Foundation

/// A token bucket: `rate` requests per second on average, bursts up to `capacity`. Works by reservation,
/// so concurrent callers each get their own slot. Pure value; time comes in as seconds.
public struct TokenBucket: Sendable, Hashable {
    public let rate: Double
    public let capacity: Double
    private var tokens: Double
    /// The time `tokens` is valid at; lies in the future while the bucket is paused.
    private var stamp: Double

    public init(perMinute: Int, burst: Int, now: Double) {
        rate = Double(max(1, perMinute)) / 60
        capacity = Double(max(1, burst))
        tokens = capacity
        stamp = now
    }

    /// Takes one token and returns how long the caller must wait before sending.
    public mutating func reserve(now: Double) -> Double {
        refill(now: now)
        tokens -= 1
        let readyAt = stamp + (tokens < 0 ? -tokens / rate : 0)
        return max(0, readyAt - now)
    }

    /// No token is handed out for before `until`; then one request may go and the rest follow at the
    /// limit's pace, not in a burst: a 429 slows everyone.
    public mutating func pause(until: Double, now: Double) {
        refill(now: now)
        guard until > stamp else { return }
        tokens = min(tokens, 1)
        stamp = until
    }

    private mutating func refill(now: Double) {
        guard now > stamp else { return }
        tokens = min(capacity, tokens + (now - stamp) * rate)
        stamp = now
    }
}

/// Time and sleeping for the resilient client; tests swap in a virtual clock.
public struct RetryTiming: Sendable {
    public var now: @Sendable () -> Double
    public var sleep: @Sendable (Double) async throws -> Void
    /// Uniform in [0, 1].
    public var random: @Sendable () -> Double

    public init(now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) async throws -> Void,
                random: @escaping @Sendable () -> Double) {
        self.now = now; self.sleep = sleep; self.random = random
    }

    public static let live = RetryTiming(
        now: { Date().timeIntervalSinceReferenceDate },
        sleep: { seconds in if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) } },
        random: { Double.random(in: 0...1) })
}

/// The shared admission for one remote service: a concurrency cap, an optional rate limit, and a
/// service-wide pause (429 / Retry-After) that every caller honours.
actor RequestGate {
    private var bucket: TokenBucket?
    private var pausedUntil: Double = 0
    private var available: Int
    private var waiters = GateQueue<CheckedContinuation<Void, Never>>()
    private let timing: RetryTiming

    init(concurrency: Int, perMinute: Int?, timing: RetryTiming) {
        self.available = max(1, concurrency)
        self.timing = timing
        if let perMinute, perMinute > 0 {
            bucket = TokenBucket(perMinute: perMinute, burst: max(1, concurrency), now: timing.now())
        }
    }

    /// Waits for a concurrency slot (chain pages before other waiters), then for the rate limit and any
    /// pause. Pair with `release()`.
    func acquire(_ priority: RequestPriority = .normal) async throws {
        if available > 0 {
            available -= 1
        } else {
            await withCheckedContinuation { waiters.append($0, priority) }
        }
        do {
            let wait = bucket?.reserve(now: timing.now()) ?? 0
            try await timing.sleep(wait)
            // A pause may begin while we slept: check until none is left.
            while true {
                let remaining = pausedUntil - timing.now()
                if remaining <= 0 { break }
                try await timing.sleep(remaining)
            }
        } catch {
            release()
            throw error
        }
    }

    /// Callers waiting for a slot (for tests that order waiters without sleeping).
    var waiting: Int { waiters.count }

    func release() {
        if let next = waiters.next() { next.resume() } else { available += 1 }
    }

    /// Holds back every caller of this service for `seconds`.
    func pause(for seconds: Double) {
        let now = timing.now()
        pausedUntil = max(pausedUntil, now + seconds)
        bucket?.pause(until: pausedUntil, now: now)
    }
}
