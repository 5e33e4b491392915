import AccessCore
import Foundation

/// Where async work (core events, effect results) hands events to the UI thread.
/// Core events are coalesced into batches so a chatty sync cannot starve the keyboard.
final class Inbox: Sendable {
    /// What waits for the UI thread, and whether the wake byte is in the pipe.
    private struct Pending {
        var coreEvents: [AccessEvent] = []
        var results: [ConsoleEvent] = []
        var signalled = false
    }
    private let pending = Locked(Pending())
    /// Bounds memory when the UI falls behind: the oldest core events are dropped (the log file keeps them).
    private let maxPendingCore = 50_000
    /// A pipe the UI loop sleeps on: readable while something waits here (one byte, however much waits).
    let wakeFd: Int32
    private let wakeWrite: Int32

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

    /// Called with the lock held (on the pending state it was given).
    private func wake(_ p: inout Pending) {
        guard !p.signalled, wakeWrite >= 0 else { return }
        p.signalled = true
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    func push(core e: AccessEvent) {
        pending.withLock { p in
            if p.coreEvents.count >= maxPendingCore { p.coreEvents.removeFirst(p.coreEvents.count / 2) }
            p.coreEvents.append(e)
            wake(&p)
        }
    }

    func push(_ e: ConsoleEvent) {
        pending.withLock { p in
            p.results.append(e)
            wake(&p)
        }
    }

    /// Results first, then at most `maxCore` core events as one batch.
    func drain(maxCore: Int = 5_000) -> [ConsoleEvent] {
        pending.withLock { p in
            if p.signalled {
                var buffer = [UInt8](repeating: 0, count: 64)
                while read(wakeFd, &buffer, buffer.count) > 0 {}
                p.signalled = false
            }
            var out = p.results
            p.results.removeAll()
            if !p.coreEvents.isEmpty {
                let n = min(maxCore, p.coreEvents.count)
                out.append(.core(Array(p.coreEvents.prefix(n))))
                p.coreEvents.removeFirst(n)
                if !p.coreEvents.isEmpty { wake(&p) }   // the rest next round, without waiting for the clock
            }
            return out
        }
    }
}
