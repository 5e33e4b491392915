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
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private var seconds: [String: Double] = [:]

    func record(_ endpoint: String) {
        lock.lock(); defer { lock.unlock() }
        counts[endpoint, default: 0] += 1
    }

    func record(_ endpoint: String, seconds spent: Double) {
        lock.lock(); defer { lock.unlock() }
        seconds[endpoint, default: 0] += spent
    }

    func secondsSnapshot() -> [String: Double] {
        lock.lock(); defer { lock.unlock() }
        return seconds
    }

    func snapshot() -> [String: Int] {
        lock.lock(); defer { lock.unlock() }
        return counts
    }
}
