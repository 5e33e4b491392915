#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The thread sanitizer's own "this thread acquired / released that" calls, looked up at run time as the
/// Swift runtime does for task hand-offs (swift/stdlib/public/Concurrency/ThreadSanitizer.cpp): present
/// only in a `--sanitize=thread` build, nil (and skipped) in every other. They tell TSan about an order it
/// cannot see because it happens in uninstrumented code, never more than that order.
enum ThreadSanitizerHooks {
    typealias Hook = @convention(c) (UnsafeRawPointer?) -> Void

    /// A value handed from a thread outside Swift concurrency (a libcurl worker) to a task through a
    /// continuation. A continuation resumed before its task suspends orders the two in the runtime,
    /// where TSan cannot see (swiftlang/swift#57803; `scripts/tsan-continuation-repro.swift`): the
    /// thread calls `release()` before resuming, the task `acquire()` after the await.
    final class HandOff: Sendable {
        func release() { ThreadSanitizerHooks.release(self) }
        func acquire() { ThreadSanitizerHooks.acquire(self) }
    }

    /// This thread now holds what the last `release(object)` published (no-op outside TSan builds).
    static func acquire(_ object: AnyObject) { acquireHook?(address(object)) }
    /// What this thread did so far is published on `object` for the next `acquire(object)`.
    static func release(_ object: AnyObject) { releaseHook?(address(object)) }

    private static func address(_ object: AnyObject) -> UnsafeRawPointer {
        UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque())
    }

    private static let acquireHook: Hook? = lookup("__tsan_acquire")
    private static let releaseHook: Hook? = lookup("__tsan_release")

    private static func lookup(_ name: String) -> Hook? {
        // RTLD_DEFAULT is the null handle on Linux; Darwin spells it -2.
        #if canImport(Darwin)
        let everywhere = UnsafeMutableRawPointer(bitPattern: -2)
        #else
        let everywhere: UnsafeMutableRawPointer? = nil
        #endif
        return dlsym(everywhere, name).map { unsafeBitCast($0, to: Hook.self) }
    }
}
