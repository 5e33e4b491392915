import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `masterData/.readback-pending`: users a run is about to write, recorded before their writes go out and
/// cleared only once TradingView's list was read and showed them (or their work went on to the retry queue
/// or review). A kill between the writes and the read-back leaves them here: the next run's read-back (or
/// the daemon's audit) checks them, against master data as it is then. One JSON line per change, appended
/// and flushed (`{"script","user","pending"}`); the newest line for a user wins; a torn last line is
/// skipped (at worst a user is checked once more). Runs hold the sync lock, so they do not interleave.
public final class ReadBackPending: Sendable {
    public let path: String
    /// Serialises this process's reads and writes of the file (the state lives in the file, not here).
    private let lock = Locked(())

    public init(path: String) { self.path = path }

    private struct Line: Codable { var script: String; var user: String; var pending: Bool }

    /// script id -> user keys (`Username.key`) waiting to be read back.
    public func all() -> [String: Set<String>] { lock.withLock { _ in load() } }

    public func users(of scriptId: String) -> Set<String> { lock.withLock { _ in load()[scriptId] ?? [] } }

    /// Durable before it returns: the writes that follow may be killed at any point.
    func mark(_ scriptId: String, users keys: [String]) throws {
        try change(scriptId, keys, pending: true)
    }

    /// Read back (found, or handed to the retry queue or review): no longer pending. Not flushed: losing it in a
    /// power cut only repeats a check, and the run's wall time is the budget's (one flush fewer per script).
    func clear(_ scriptId: String, users keys: [String]) throws {
        try change(scriptId, keys, pending: false)
    }

    private func change(_ scriptId: String, _ keys: [String], pending: Bool) throws {
        let flush = pending
        try lock.withLock { _ in
            var state = load()
            let current = state[scriptId] ?? []
            let todo = pending ? keys.filter { !current.contains($0) } : keys.filter { current.contains($0) }
            guard !todo.isEmpty else { return }
            for k in todo { if pending { state[scriptId, default: []].insert(k) } else { state[scriptId]?.remove(k) } }
            state = state.filter { !$0.value.isEmpty }
            if state.isEmpty {
                // Nothing pending anywhere: start the file afresh (it would only grow otherwise).
                // Truncated in place, not flushed: should the truncation be lost, the users are only checked again.
                let fd = try DurableFile.openFile(path, O_WRONLY | O_TRUNC | O_CREAT, mode: 0o600)
                DurableFile.closeFile(fd)
            } else {
                var bytes: [UInt8] = []
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                for k in Set(todo).sorted() {
                    bytes += Array((try? encoder.encode(Line(script: scriptId, user: k, pending: pending))) ?? Data())
                    bytes.append(0x0A)
                }
                let fd = try DurableFile.openFile(path, O_WRONLY | O_APPEND | O_CREAT, mode: 0o600)
                defer { DurableFile.closeFile(fd) }
                try bytes.withUnsafeBytes { try DurableFile.writeAll(fd, $0, path: path) }
                if flush { try DurableFile.sync(fd, path: path) }
            }
        }
    }

    /// Read from the file each time: another process (a cron `sync`, the daemon) may have changed it; it
    /// holds only what waits to be read back, so it stays small.
    private func load() -> [String: Set<String>] {
        var state: [String: Set<String>] = [:]
        let text = FileManager.default.contents(atPath: path) ?? Data()
        for line in text.split(separator: 0x0A) {
            guard let l = try? JSONDecoder().decode(Line.self, from: Data(line)) else { continue }
            if l.pending { state[l.script, default: []].insert(l.user) } else { state[l.script]?.remove(l.user) }
        }
        return state.filter { !$0.value.isEmpty }
    }
}
