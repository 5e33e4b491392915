import AccessCore
import Foundation

/// Where async work (core events, effect results) hands events to the UI thread.
/// Core events are coalesced into batches so a chatty sync cannot starve the keyboard.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var coreEvents: [AccessEvent] = []
    private var results: [ConsoleEvent] = []
    /// Bounds memory when the UI falls behind: the oldest core events are dropped (the log file keeps them).
    private let maxPendingCore = 50_000

    func push(core e: AccessEvent) {
        lock.lock(); defer { lock.unlock() }
        if coreEvents.count >= maxPendingCore { coreEvents.removeFirst(coreEvents.count / 2) }
        coreEvents.append(e)
    }

    func push(_ e: ConsoleEvent) {
        lock.lock(); defer { lock.unlock() }
        results.append(e)
    }

    /// Results first, then at most `maxCore` core events as one batch.
    func drain(maxCore: Int = 5_000) -> [ConsoleEvent] {
        lock.lock(); defer { lock.unlock() }
        var out = results
        results.removeAll()
        if !coreEvents.isEmpty {
            let n = min(maxCore, coreEvents.count)
            out.append(.core(Array(coreEvents.prefix(n))))
            coreEvents.removeFirst(n)
        }
        return out
    }
}
