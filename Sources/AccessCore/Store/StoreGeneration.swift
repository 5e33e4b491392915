import Foundation

/// `{script}.generation`, beside the snapshot: the newest change the store is known to have reached
/// (written at close with the last change known on disk, and after each compaction). Without it, a
/// deleted snapshot or an emptied journal looks like a script that never synced, and the next sync
/// re-applies every purchase. With it, `ScriptStore` tells "never synced" (no file) from "lost" (the
/// files hold less than the marker says) and refuses to write in the second case.
///
/// Written by rename without fsync: after a power cut it may be older than the store (it only checks
/// less), never newer, since it never names a change that was not already on disk.
struct StoreGeneration: Codable, Equatable {
    var scriptId: String
    var sequence: Int

    /// nil when absent or unreadable: no information, so nothing is refused.
    static func read(_ path: String) -> StoreGeneration? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(StoreGeneration.self, from: data)
    }

    /// Best effort: a marker that could not be written only checks less.
    static func write(_ generation: StoreGeneration, to path: String) {
        guard let data = try? JSONEncoder().encode(generation) else { return }
        let temp = path + ".tmp"
        guard FileManager.default.createFile(atPath: temp, contents: data, attributes: [.posixPermissions: 0o600]) else { return }
        if rename(temp, path) != 0 { unlink(temp) }
    }
}
