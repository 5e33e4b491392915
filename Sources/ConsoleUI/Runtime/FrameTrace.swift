import Foundation

/// Timings of the real UI loop, one line each ("key j 1.84" in milliseconds), for `make bench`.
final class FrameTrace {
    /// When the process started, on the monotonic clock (from /proc/self/stat), so the first frame's
    /// time includes everything a person waits for.
    static let processStart: UInt64 = {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return DispatchTime.now().uptimeNanoseconds }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Field 22 (starttime, clock ticks since boot) is the 20th after the command name.
        guard fields.count > 19, let ticks = UInt64(fields[19]) else { return DispatchTime.now().uptimeNanoseconds }
        let hz = UInt64(sysconf(Int32(_SC_CLK_TCK)))
        var boot = timespec()
        clock_gettime(CLOCK_BOOTTIME, &boot)
        let sinceBoot = UInt64(boot.tv_sec) * 1_000_000_000 + UInt64(boot.tv_nsec)
        let age = sinceBoot - ticks * (1_000_000_000 / hz)
        return DispatchTime.now().uptimeNanoseconds - min(age, DispatchTime.now().uptimeNanoseconds)
    }()

    private let handle: FileHandle

    init?(path: String) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else { return nil }
        handle = h
        _ = Self.processStart
    }

    func record(_ what: String, since start: UInt64) {
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        handle.write(Data((what + " " + String(format: "%.2f", ms) + "\n").utf8))
    }
}
