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
final class SentMailFile: Sendable {
    var path: String { file.path }
    private let file: AppendOnlyLines
    private let loaded = Locked<Set<String>?>(nil)

    init(path: String) { file = AppendOnlyLines(path: path) }

    private struct Line: Codable { var transaction: String; var sent: Bool }

    func contains(_ transactionId: String) -> Bool {
        loaded.withLock { load(&$0).contains(transactionId) }
    }

    /// Durable before it returns. Throws `StoreError.io`.
    func record(_ transactionId: String, sent: Bool = true) throws {
        try loaded.withLock { loaded in
            var ids = load(&loaded)
            try file.append((try? JSONEncoder().encode(Line(transaction: transactionId, sent: sent))) ?? Data())
            if sent { ids.insert(transactionId) } else { ids.remove(transactionId) }
            loaded = ids
        }
    }

    /// Unreadable lines are skipped (a torn last line is not a line): at worst one email goes out again.
    private func load(_ loaded: inout Set<String>?) -> Set<String> {
        if let loaded { return loaded }
        var ids = Set<String>()
        for line in (try? file.read().lines) ?? [] {
            guard let l = try? JSONDecoder().decode(Line.self, from: Data(line)) else { continue }
            if l.sent { ids.insert(l.transaction) } else { ids.remove(l.transaction) }
        }
        loaded = ids
        return ids
    }
}
