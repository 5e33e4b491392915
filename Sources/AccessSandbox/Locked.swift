import Foundation

/// One value behind a lock: the sandbox's state is touched from NIO event loops and Swift tasks alike,
/// and every handler needs a consistent read-modify-write, which an NSLock gives without actor hops.
// unchecked: an NSLock guards `value`; kept over `Mutex` because handlers return parts of the (non-Sendable) world.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
