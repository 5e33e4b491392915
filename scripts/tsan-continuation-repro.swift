// Does the thread sanitizer see a continuation resumed from another thread? (Why BlockingPool hands
// off through ThreadSanitizerHooks.HandOff, and what scripts/tsan.supp suppresses.)
//
//   swiftc -parse-as-library -O -g -sanitize=thread scripts/tsan-continuation-repro.swift -o /tmp/cont-repro
//   /tmp/cont-repro                                            # reports data races
//   TSAN_OPTIONS=suppressions=scripts/tsan.supp /tmp/cont-repro  # still reports the read after the await
//
// Each round resumes a continuation from a plain thread (as NIO's event loop or a libcurl worker does)
// and reads the value after the await. Swift 6.3.1 on Linux: TSan reports the continuation's own result
// slot (written in `resume`, read inside `withUnsafeContinuation`: the runtime orders them, uninstrumented;
// swiftlang/swift#57803) and the read of the value after the await. The first is the stdlib's and is what
// tsan.supp suppresses (top frame only); the second is ours to order: __tsan_release before the resume,
// __tsan_acquire after the await (ThreadSanitizerHooks.HandOff) and it is gone.
import Foundation

final class Box: @unchecked Sendable { var n: Int; init(_ n: Int) { self.n = n } }

@main struct Main {
    static func main() async {
        var total = 0
        for i in 0..<3000 {
            let box: Box = await withUnsafeContinuation { c in
                let t = Thread { c.resume(returning: Box(i)) }
                t.start()
            }
            total += box.n
        }
        print("total", total)
    }
}
