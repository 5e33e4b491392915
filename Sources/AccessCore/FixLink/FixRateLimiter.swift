import Foundation

/// A fixed-window counter per key (a link's nonce, a client address): at most `limit` requests per
/// `window`. Memory is bounded: at `maxKeys` the oldest window is dropped to make room. Refusing a new key
/// instead would let anyone rotating addresses fill the table and shut every customer out; dropping the
/// oldest only gives that key a fresh budget early.
public final class FixRateLimiter: Sendable {
    /// What one request was told.
    public enum Verdict: Sendable, Hashable {
        case allowed
        /// Over the limit, for the first time in this key's window: the one worth a log line.
        case firstRefusal
        /// Over the limit again in the same window.
        case refused

        public var allowed: Bool { self == .allowed }
    }

    public let limit: Int
    public let window: TimeInterval
    let maxKeys: Int
    private let table: Locked<Table>

    /// The windows and the order they opened in.
    private struct Table {
        var windows: [String: (start: Date, count: Int)] = [:]
        /// Window starts in the order they were opened, so the oldest is at `head`. An entry whose key has
        /// since opened a newer window (or was dropped) is stale and skipped; the array is compacted when
        /// half of it is behind `head`, so each request costs O(1) amortised.
        var opened: [(key: String, start: Date)] = []
        var head = 0

        /// Drops windows from the oldest on: every one that is over, then live ones while more than
        /// `keeping` keys are held. Called whenever a window opens.
        mutating func dropOldest(keeping: Int, now: Date, window: TimeInterval, maxKeys: Int) {
            while head < opened.count {
                let (key, start) = opened[head]
                guard let w = windows[key], w.start == start else { head += 1; continue }  // stale entry
                guard windows.count > keeping || now.timeIntervalSince(start) >= window else { break }
                windows[key] = nil
                head += 1
            }
            if head > 64 && head * 2 >= opened.count {
                opened.removeFirst(head)
                head = 0
            }
            // Stale entries stay bounded while the clock runs forward; should it jump back, start over from
            // the table itself (rare, O(n log n)).
            if opened.count - head > 4 * maxKeys {
                opened = windows.map { ($0.key, $0.value.start) }.sorted { $0.start < $1.start }
                head = 0
            }
        }
    }

    public init(limit: Int, window: TimeInterval, maxKeys: Int = 10_000) {
        self.limit = max(1, limit); self.window = window; self.maxKeys = max(1, maxKeys)
        table = Locked(Table())
    }

    /// Counts one request of `key`.
    public func allow(_ key: String, now: Date = Date()) -> Verdict {
        table.withLock { t in
            if var w = t.windows[key], now.timeIntervalSince(w.start) < window, now >= w.start {
                // Capped just past the limit: enough to tell the first refusal from the rest.
                w.count = min(w.count + 1, limit + 2)
                t.windows[key] = w
                return w.count <= limit ? .allowed : w.count == limit + 1 ? .firstRefusal : .refused
            }
            t.dropOldest(keeping: t.windows[key] == nil ? maxKeys - 1 : maxKeys, now: now, window: window, maxKeys: maxKeys)
            t.windows[key] = (now, 1)
            t.opened.append((key, now))
            return .allowed
        }
    }

    /// How many keys have a window now, and how long the order list is (for tests).
    var keyCount: Int { table.withLock { $0.windows.count } }
    var orderCount: Int { table.withLock { $0.opened.count - $0.head } }
}
