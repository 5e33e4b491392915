import Foundation

/// Runs fix-link submits one at a time per purchase (transaction id). A double-click sends the form twice
/// at once; without this the second would find the first holding the scripts' locks and tell the
/// customer "we could not finish this" while the first succeeds. Waiters are served in order; a key is
/// held only while a submit of it runs or waits, so the table stays as small as the requests in flight.
final class OneSubmitPerPurchase: Sendable {
    /// Present while the key is held; the continuations of those waiting for it, in order.
    private let waiting = Locked<[String: [CheckedContinuation<Void, Never>]]>([:])

    func run<T: Sendable>(_ key: String, _ body: () async -> T) async -> T {
        await acquire(key)
        defer { release(key) }
        return await body()
    }

    private func acquire(_ key: String) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let free = waiting.withLock { waiting in
                if waiting[key] == nil { waiting[key] = []; return true }
                waiting[key]!.append(c)
                return false
            }
            if free { c.resume() }
        }
    }

    /// Hands the key to the next waiter, or frees it.
    private func release(_ key: String) {
        let next: CheckedContinuation<Void, Never>? = waiting.withLock { waiting in
            guard var queue = waiting[key], !queue.isEmpty else { waiting[key] = nil; return nil }
            let first = queue.removeFirst()
            waiting[key] = queue
            return first
        }
        next?.resume()
    }

    /// Keys held now (for tests).
    var heldCount: Int { waiting.withLock { $0.count } }
}

/// The last few "done" pages by link (nonce), in memory: a second POST of a link that just did its work
/// (the double-click's twin, or the browser resending the form on reload) shows the same page again
/// instead of "already used". After a restart the plain "already used" page serves.
final class RecentFixes: Sendable {
    let capacity: Int
    private struct Pages { var done: [String: FixDone] = [:]; var order: [String] = [] }
    private let pages = Locked(Pages())

    init(capacity: Int = 256) { self.capacity = max(1, capacity) }

    func remember(_ nonce: String, _ page: FixDone) {
        pages.withLock { p in
            if p.done.updateValue(page, forKey: nonce) == nil { p.order.append(nonce) }
            if p.order.count > capacity { p.done[p.order.removeFirst()] = nil }
        }
    }

    func page(_ nonce: String) -> FixDone? { pages.withLock { $0.done[nonce] } }
}
