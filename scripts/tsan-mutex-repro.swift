// Does the thread sanitizer see Synchronization.Mutex on Linux? (Why Sources use `Locked`.)
//
//   swiftc -O -g -sanitize=thread scripts/tsan-mutex-repro.swift -o /tmp/mutex-repro && /tmp/mutex-repro
//
// Four threads change an array that is only ever touched inside withLock. Swift 6.3.1 on Linux: TSan
// reports data races and Swift access races on it (a contended Mutex passes between threads inside the
// kernel's futex, where TSan cannot see). The same loop over AccessCore's `Locked` (the Mutex plus
// __tsan_acquire/__tsan_release on its address) runs clean.
import Dispatch
import Synchronization

final class Counter: Sendable {
    let state = Mutex<[Int]>([])
}

let counter = Counter()
DispatchQueue.concurrentPerform(iterations: 4) { n in
    for i in 0..<20_000 {
        counter.state.withLock { a in
            a.append(n * 100_000 + i)
            if a.count > 64 { a.removeFirst(32) }
        }
    }
}
print("count", counter.state.withLock { $0.count })
