import Foundation

/// Foundation's `Process.run()` on Linux (Swift 6.3.1) reads past a `dirent` while it lists
/// `/proc/self/fd` and crashes (SIGSEGV in memcpy) when that listing fills glibc's 32 KB read buffer,
/// about a thousand open descriptors: swift-corelibs-foundation PR #5472 fixes it upstream. Our test
/// suite runs dozens of loopback sandboxes at once (900+ sockets for a few seconds) while other tests
/// start the binary, and crashed that way. Until the toolchain carries the fix, whoever starts a child
/// waits, a bounded time, until this process holds fewer descriptors. Not a synchronisation: with no
/// wait the spawn is still correct, only exposed to the upstream crash.
public enum SpawnGuard {
    /// Well under the ~1,000 descriptors at which the listing can reach the end of glibc's buffer.
    public static let limit = 400

    /// Descriptors this process holds now (FileManager's listing does not have the bug).
    public static var openDescriptors: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }

    /// Waits until fewer than `limit` descriptors are open, at most `bound`.
    public static func fewDescriptors(bound: Duration = .seconds(60)) async {
        let deadline = ContinuousClock.now + bound
        while openDescriptors >= limit && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The same, for callers that cannot suspend (they are off the cooperative pool or briefly on it).
    public static func fewDescriptorsBlocking(bound: TimeInterval = 60) {
        let deadline = Date().addingTimeInterval(bound)
        while openDescriptors >= limit && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
    }
}
