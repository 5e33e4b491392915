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
        func release() { ThreadSanitizerHooks.release?(UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())) }
        func acquire() { ThreadSanitizerHooks.acquire?(UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())) }
    }

    static let acquire: Hook? = lookup("__tsan_acquire")
    static let release: Hook? = lookup("__tsan_release")

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
