import Synchronization

/// One value behind a `Synchronization.Mutex`, shared by reference (escaping closures and tasks can
/// capture it), with its hand-offs visible to the thread sanitizer. Every lock-guarded value of the
/// project is one of these (`UncheckedSendableTests` finds a bare `Mutex`).
///
/// Why not a bare `Mutex`: on Linux a contended `Mutex` passes from one thread to the next inside the
/// kernel (a priority-inheriting futex, in the uninstrumented stdlib), so TSan sees no order between two
/// critical sections and reports the value behind it as a data race although every access holds the
/// lock; `scripts/tsan-mutex-repro.swift` shows it in a few lines. Each critical section here tells TSan
/// "acquired" after taking the lock and "released" before leaving it, on this box's address. Outside a
/// TSan build the hooks are absent and this costs two nil checks.
public final class Locked<Value>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: sending Value) { mutex = Mutex(value) }

    public func withLock<Result, E: Error>(_ body: (inout sending Value) throws(E) -> sending Result) throws(E) -> sending Result {
        try mutex.withLock { (value: inout sending Value) throws(E) -> sending Result in
            ThreadSanitizerHooks.acquire(self)
            defer { ThreadSanitizerHooks.release(self) }
            return try body(&value)
        }
    }
}
