import Foundation

/// Dedicated threads for calls that block (curl_easy_perform), so they never occupy Swift's cooperative
/// pool. At most `threads` run at once; a thread starts on demand and ends after a while without work.
// unchecked: an NSCondition guards the vars; idle threads wait on it, which Mutex has no way to do.
final class BlockingPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var started = 0
    private var idle = 0
    private let maxThreads: Int
    private let name: String
    private let idleExit: TimeInterval = 20

    init(threads: Int, name: String) {
        self.maxThreads = max(1, threads)
        self.name = name
    }

    /// Runs `work` on a pool thread and resumes the caller with its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        // The result (a response's body and headers) is made on a pool thread and read by the caller after
        // the await: the hand-off tells the thread sanitizer so, which it cannot see in the runtime.
        let handOff = ThreadSanitizerHooks.HandOff()
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>, Never>) in
            enqueue {
                let result = Result { try work() }
                handOff.release()
                continuation.resume(returning: result)
            }
        }
        handOff.acquire()
        return try result.get()
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        let spawn = idle == 0 && started < maxThreads
        if spawn { started += 1 }
        let index = started
        condition.signal()
        condition.unlock()
        if spawn {
            let thread = Thread { self.workLoop() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    private func workLoop() {
        while true {
            condition.lock()
            idle += 1
            while jobs.isEmpty {
                if !condition.wait(until: Date().addingTimeInterval(idleExit)) && jobs.isEmpty {
                    idle -= 1
                    started -= 1
                    condition.unlock()
                    return
                }
            }
            idle -= 1
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
