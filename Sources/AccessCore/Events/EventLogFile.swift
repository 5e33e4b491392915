import Foundation

/// Appends events as JSON lines to logs/sync.log. One write(2) per line on an O_APPEND descriptor, so
/// lines from a console and a daemon writing the same file never interleave.
public final class EventLogFile: Sendable {
    public let path: String
    private let fd: Int32
    private let redact: @Sendable (String) -> String
    /// write(2), replaceable by tests to simulate a full disk.
    private let writeBytes: @Sendable (Int32, UnsafeRawPointer, Int) -> Int
    /// True when the file ends inside a line (a write cut short by a full disk, or a process that died
    /// mid-write): the next write starts with a line end, so the torn line stays one unreadable line
    /// (skipped by readers) instead of swallowing the next event into it forever.
    private let midLine: Locked<Bool>

    /// `redact` scrubs secret values as a last line of defence; events should never carry them anyway.
    public convenience init(path: String, redact: @escaping @Sendable (String) -> String = { $0 }) throws {
        try self.init(path: path, redact: redact, writeBytes: { Foundation.write($0, $1, $2) })
    }

    init(path: String, redact: @escaping @Sendable (String) -> String,
         writeBytes: @escaping @Sendable (Int32, UnsafeRawPointer, Int) -> Int) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw StoreError.io(path: path, detail: "cannot open the log for appending: \(String(cString: strerror(errno)))")
        }
        self.path = path; self.fd = fd; self.redact = redact; self.writeBytes = writeBytes
        self.midLine = Locked(Self.endsMidLine(path))
    }

    private static func endsMidLine(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let end = lseek(fd, 0, SEEK_END)
        guard end > 0 else { return false }
        var last: UInt8 = 0
        return pread(fd, &last, 1, end - 1) == 1 && last != 0x0A
    }

    deinit { close(fd) }

    public func write(_ event: AccessEvent) {
        let line = redact(EventCoding.line(event)) + "\n"
        midLine.withLock { midLine in
            var bytes = Array(line.utf8)
            if midLine { bytes.insert(0x0A, at: 0) }
            let written = bytes.withUnsafeMutableBytes { buf in
                var offset = 0
                while offset < buf.count {
                    let n = writeBytes(fd, buf.baseAddress! + offset, buf.count - offset)
                    if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
                    offset += n
                }
                return offset
            }
            // Nothing written leaves the file as it was; anything short of the whole line leaves it mid-line.
            if written > 0 { midLine = written < bytes.count }
        }
    }
}

/// Secret values known to this process, scrubbed from anything written to a log.
public final class SecretRedactor: Sendable {
    private let secrets = Locked<Set<String>>([])
    public init() {}

    public func register(_ secret: String?) {
        guard let secret, secret.count >= 4 else { return }
        _ = secrets.withLock { $0.insert(secret) }
    }

    public func redact(_ text: String) -> String {
        let all = secrets.withLock { $0 }
        var out = text
        for s in all where Self.contains(out, s) { out = out.replacingOccurrences(of: s, with: "[redacted]") }
        return out
    }

    /// A byte search over UTF-8: every log line is checked for every secret, and Foundation's
    /// `contains` goes through CFString on Linux.
    static func contains(_ text: String, _ secret: String) -> Bool {
        var text = text, secret = secret
        return text.withUTF8 { t in
            secret.withUTF8 { s in
                guard let tb = t.baseAddress, let sb = s.baseAddress, s.count <= t.count else { return false }
                let first = s[0]
                var i = 0
                while i <= t.count - s.count {
                    if t[i] == first && memcmp(tb + i, sb, s.count) == 0 { return true }
                    i += 1
                }
                return false
            }
        }
    }
}
