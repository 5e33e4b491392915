import Foundation

/// A fixed-window counter per key (a link's nonce, a client address): at most `limit` requests per
/// `window`. Memory is bounded: at `maxKeys` the oldest windows are dropped first, and a key that still
/// finds no room is refused, so a flood of new keys cannot grow it or get through.
public final class FixRateLimiter: @unchecked Sendable {
    public let limit: Int
    public let window: TimeInterval
    let maxKeys: Int
    private let lock = NSLock()
    private var windows: [String: (start: Date, count: Int)] = [:]

    public init(limit: Int, window: TimeInterval, maxKeys: Int = 10_000) {
        self.limit = max(1, limit); self.window = window; self.maxKeys = max(1, maxKeys)
    }

    /// Counts one request; false when the key is over its limit in the current window.
    public func allow(_ key: String, now: Date = Date()) -> Bool {
        lock.withLock {
            if var w = windows[key], now.timeIntervalSince(w.start) < window, now >= w.start {
                w.count += 1
                windows[key] = w
                return w.count <= limit
            }
            if windows[key] == nil && windows.count >= maxKeys {
                windows = windows.filter { now.timeIntervalSince($0.value.start) < window }
                if windows.count >= maxKeys { return false }
            }
            windows[key] = (now, 1)
            return true
        }
    }
}
