// Does the thread sanitizer see copy-on-write hand-offs? (Why ScriptSession.read passes its lock once
// more after reading a copy, and the daemon harness filters its lines under the lock.)
//
//   swiftc -O -g -sanitize=thread scripts/tsan-cow-repro.swift -o /tmp/cow-repro && /tmp/cow-repro
//
// One thread copies a dictionary out under a lock and reads the copy outside it; the other changes the
// original under the same lock. Correct Swift: the writer changes the storage in place only once the
// copy is released. Swift 6.3.1 on Linux: TSan reports a data race, because the release and the
// uniqueness check are atomics inside libswiftCore, which is not instrumented. Reading under the lock,
// or passing the lock once more while the copy is still held, gives TSan the order it cannot see.
import Foundation

final class Box: @unchecked Sendable {
    let lock = NSLock()
    var dict: [String: Int] = [:]
}
let box = Box()
DispatchQueue.concurrentPerform(iterations: 2) { n in
    for i in 0..<20_000 {
        if n == 0 {
            let copy = box.lock.withLock { box.dict }
            var sum = 0
            for v in copy.values { sum &+= v }
            if sum == -1 { print("never") }
        } else {
            box.lock.withLock { box.dict["k\(i % 64)"] = i }
        }
    }
}
print("done", box.dict.count)
