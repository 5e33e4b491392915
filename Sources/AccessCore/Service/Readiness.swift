import Foundation

/// Whether the daemon can do its job now: the reasons it cannot, empty when ready.
public enum Readiness {
    public static func reasons(_ runtime: AppRuntime) -> [String] {
        var reasons: [String] = []
        let session = runtime.session.status()
        if !session.isUsable {
            reasons.append(session.state == .missing ? "vault: no usable session cookies (run `access-console cookies set`)"
                                                     : "session: TradingView session is stale (run `access-console cookies set`)")
        }
        let dir = runtime.masterDataDirectory.path
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
            reasons.append("master_data: folder missing")
        } else if let problem = probeWrite(runtime.masterDataDirectory) {
            reasons.append("master_data: \(problem)")
        }
        return reasons
    }

    /// Writes, syncs and removes a small file the way the store writes: a permission bit says nothing of a
    /// full disk or a read-only mount, where every webhook would answer 500 while /ready said ready.
    static func probeWrite(_ directory: URL) -> String? {
        let path = directory.appendingPathComponent(".ready-probe").path
        defer { unlink(path) }
        do { try DurableFile.replace(path, with: Array("ready\n".utf8)) } catch {
            return "cannot write (\(error))"
        }
        return nil
    }
}
