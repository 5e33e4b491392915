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

    /// nil when absent: a script that never synced, nothing to check. A file that is there but cannot be
    /// read is an error naming it and the way out: read as "absent", it would silently turn the guard off.
    static func read(_ path: String, scriptId: String) throws -> StoreGeneration? {
        guard let bytes = try DurableFile.readAll(path) else { return nil }
        guard let marker = try? JSONDecoder().decode(StoreGeneration.self, from: Data(bytes)) else {
            throw StoreError.corrupt(path: path, detail: "unreadable marker of the newest change, so lost master data could "
                + "not be told from whole (\(CommandHint.store("repair", script: scriptId)) writes it again from what the "
                + "snapshot and journal hold)")
        }
        return marker
    }

    /// True when the file is there but does not read as a marker (what `store repair` writes again).
    static func isUnreadable(_ path: String) -> Bool {
        guard let bytes = try? DurableFile.readAll(path) else { return true }
        return (try? JSONDecoder().decode(StoreGeneration.self, from: Data(bytes))) == nil
    }

    /// Best effort: a marker that could not be written only checks less.
    static func write(_ generation: StoreGeneration, to path: String) {
        guard let data = try? JSONEncoder().encode(generation) else { return }
        let temp = path + ".tmp"
        guard FileManager.default.createFile(atPath: temp, contents: data, attributes: [.posixPermissions: 0o600]) else { return }
        if rename(temp, path) != 0 { unlink(temp) }
    }
}
