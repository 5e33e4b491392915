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
    /// A pipe the UI loop sleeps on: readable while something waits here (one byte, however much waits).
    let wakeFd: Int32
    private let wakeWrite: Int32
    private var signalled = false

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        } else {
            fds = [-1, -1]   // no pipe: the loop still wakes for keys and the clock
        }
        wakeFd = fds[0]; wakeWrite = fds[1]
    }

    deinit { close(wakeFd); close(wakeWrite) }

    /// Called with the lock held.
    private func wake() {
        guard !signalled, wakeWrite >= 0 else { return }
        signalled = true
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    func push(core e: AccessEvent) {
        lock.lock(); defer { lock.unlock() }
        if coreEvents.count >= maxPendingCore { coreEvents.removeFirst(coreEvents.count / 2) }
        coreEvents.append(e)
        wake()
    }

    func push(_ e: ConsoleEvent) {
        lock.lock(); defer { lock.unlock() }
        results.append(e)
        wake()
    }

    /// Results first, then at most `maxCore` core events as one batch.
    func drain(maxCore: Int = 5_000) -> [ConsoleEvent] {
        lock.lock(); defer { lock.unlock() }
        if signalled {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(wakeFd, &buffer, buffer.count) > 0 {}
            signalled = false
        }
        var out = results
        results.removeAll()
        if !coreEvents.isEmpty {
            let n = min(maxCore, coreEvents.count)
            out.append(.core(Array(coreEvents.prefix(n))))
            coreEvents.removeFirst(n)
            if !coreEvents.isEmpty { wake() }   // the rest next round, without waiting for the clock
        }
        return out
    }
}
