import Foundation

/// Retry and review queue sizes read from master data (without locks), kept for `maxAge` so `/status`,
/// `/metrics` and the alerts do not each re-read every script: at 100k users one read takes a while.
public final class QueueSizes: Sendable {
    public struct Counts: Sendable, Hashable {
        public var retry = 0
        public var review = 0
        /// Creation times of the review items, for the review-age alert.
        public var reviewCreated: [Date] = []
        /// Review items left by read-back (id ending `:unverified`).
        public var unverified = 0
    }

    private let read: @Sendable () -> [ScriptAccess]
    private let maxAge: Duration
    private let cached = Locked<(at: ContinuousClock.Instant, counts: Counts)?>(nil)

    public init(maxAge: Duration = .seconds(15), read: @escaping @Sendable () -> [ScriptAccess]) {
        self.read = read; self.maxAge = maxAge
    }

    public convenience init(runtime: AppRuntime, maxAge: Duration = .seconds(15)) {
        self.init(maxAge: maxAge) { (try? runtime.loadScripts(.queues)) ?? [] }
    }

    public func counts() -> Counts {
        if let c = cached.withLock({ $0 }), ContinuousClock.now - c.at < maxAge { return c.counts }
        var counts = Counts()
        for script in read() {
            counts.retry += script.retryQueue.count
            counts.review += script.reviewQueue.count
            counts.reviewCreated += script.reviewQueue.values.map(\.createdAt)
            counts.unverified += script.reviewQueue.keys.filter { $0.hasSuffix(ReviewItem.unverifiedSuffix) }.count
        }
        cached.withLock { $0 = (ContinuousClock.now, counts) }
        return counts
    }

    /// The next `counts()` reads master data again (after a run changed it).
    public func invalidate() { cached.withLock { $0 = nil } }
}
