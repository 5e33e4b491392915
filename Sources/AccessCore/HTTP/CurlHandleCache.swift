import Foundation

/// Idle easy handles of one transport. A handle is used by one thread at a time: taken before an
/// exchange, put back after it, so the lock guards only the list.
// unchecked: an NSLock guards `idle`; a `CurlHandle` is not Sendable (one thread uses it between take and put), which a Mutex's `sending` rules cannot say.
final class CurlHandleCache: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [CurlHandle] = []
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// An idle handle, reset for a new exchange; nil when none is idle.
    func take() throws -> CurlHandle? {
        let handle: CurlHandle? = lock.withLock { idle.popLast() }
        try handle?.reset()
        return handle
    }

    func put(_ handle: CurlHandle) {
        lock.withLock {
            if idle.count < capacity { idle.append(handle) }
        }
    }
}
