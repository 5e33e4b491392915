import Foundation

/// Remote calls made so far, per short endpoint name (`tv.list_users`, `tv.add`, `wp.transactions`);
/// every attempt counts, retries included, because every attempt costs the remote's budget.
public protocol CallCounting: Sendable {
    func callCounts() -> [String: Int]
}

/// A thread-safe tally behind `CallCounting`.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    func record(_ endpoint: String) {
        lock.lock(); defer { lock.unlock() }
        counts[endpoint, default: 0] += 1
    }

    func snapshot() -> [String: Int] {
        lock.lock(); defer { lock.unlock() }
        return counts
    }
}
