import Foundation

/// Remote calls made so far, per short endpoint name (`tv.list_users`, `tv.add`, `wp.transactions`);
/// every attempt counts, retries included, because every attempt costs the remote's budget.
public protocol CallCounting: Sendable {
    func callCounts() -> [String: Int]
    /// Seconds spent waiting for answers so far, per endpoint (sum over attempts; with `callCounts`, the
    /// mean latency). Empty where not measured.
    func callSeconds() -> [String: Double]
}

extension CallCounting {
    public func callSeconds() -> [String: Double] { [:] }
}

/// A thread-safe tally behind `CallCounting`.
final class CallCounter: Sendable {
    private struct Tally { var counts: [String: Int] = [:]; var seconds: [String: Double] = [:] }
    private let tally = Locked(Tally())

    func record(_ endpoint: String) {
        tally.withLock { $0.counts[endpoint, default: 0] += 1 }
    }

    func record(_ endpoint: String, seconds spent: Double) {
        tally.withLock { $0.seconds[endpoint, default: 0] += spent }
    }

    func secondsSnapshot() -> [String: Double] { tally.withLock { $0.seconds } }

    func snapshot() -> [String: Int] { tally.withLock { $0.counts } }
}
