import Foundation

/// Appends events as JSON lines to logs/sync.log. One write(2) per line on an O_APPEND descriptor, so
/// lines from a console and a daemon writing the same file never interleave.
public final class EventLogFile: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    private let lock = NSLock()
    private let redact: @Sendable (String) -> String

    /// `redact` scrubs secret values as a last line of defence; events should never carry them anyway.
    public init(path: String, redact: @escaping @Sendable (String) -> String = { $0 }) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw StoreError.io(path: path, detail: "cannot open the log for appending: \(String(cString: strerror(errno)))")
        }
        self.path = path; self.fd = fd; self.redact = redact
    }

    deinit { close(fd) }

    public func write(_ event: AccessEvent) {
        let line = redact(EventCoding.line(event)) + "\n"
        lock.lock(); defer { lock.unlock() }
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = Foundation.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }
}

/// Secret values known to this process, scrubbed from anything written to a log.
public final class SecretRedactor: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: Set<String> = []
    public init() {}

    public func register(_ secret: String?) {
        guard let secret, secret.count >= 4 else { return }
        lock.lock(); secrets.insert(secret); lock.unlock()
    }

    public func redact(_ text: String) -> String {
        lock.lock(); let all = secrets; lock.unlock()
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
