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
