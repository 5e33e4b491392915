import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `masterData/.invalid-name-mail`: the purchases whose invalid-username email went out, one JSON line
/// each, so a customer gets one such email per purchase ever: across runs (a bundle's scripts may reach
/// review in different runs), processes and crashes. A line is written and flushed before the email is
/// sent, so a crash in between costs that email rather than repeating it; a send that fails appends a
/// line taking the record back. Read once per run; runs hold the sync lock, so they do not interleave.
final class SentMailFile: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var loaded: Set<String>?

    init(path: String) { self.path = path }

    private struct Line: Codable { var transaction: String; var sent: Bool }

    func contains(_ transactionId: String) -> Bool {
        lock.withLock { load().contains(transactionId) }
    }

    /// Durable before it returns. Throws `StoreError.io`.
    func record(_ transactionId: String, sent: Bool = true) throws {
        try lock.withLock {
            _ = load()
            var bytes = Array((try? JSONEncoder().encode(Line(transaction: transactionId, sent: sent))) ?? Data())
            bytes.append(0x0A)
            let fd = try DurableFile.openFile(path, O_WRONLY | O_APPEND | O_CREAT, mode: 0o600)
            defer { DurableFile.closeFile(fd) }
            try bytes.withUnsafeBytes { try DurableFile.writeAll(fd, $0, path: path) }
            try DurableFile.sync(fd, path: path)
            if sent { loaded!.insert(transactionId) } else { loaded!.remove(transactionId) }
        }
    }

    /// Unreadable lines (a torn last line) are skipped: at worst one email goes out again.
    private func load() -> Set<String> {
        if let loaded { return loaded }
        var ids = Set<String>()
        let text = FileManager.default.contents(atPath: path) ?? Data()
        for line in text.split(separator: 0x0A) {
            guard let l = try? JSONDecoder().decode(Line.self, from: Data(line)) else { continue }
            if l.sent { ids.insert(l.transaction) } else { ids.remove(l.transaction) }
        }
        loaded = ids
        return ids
    }
}
