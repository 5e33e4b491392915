import Foundation

/// Whether the daemon can do its job now: the reasons it cannot, empty when ready.
public enum Readiness {
    public static func reasons(_ runtime: AppRuntime) -> [String] {
        var reasons: [String] = []
        let session = runtime.session.status()
        switch session.state {
        case .missing: reasons.append("vault: no usable session cookies (run `access-console cookies set`)")
        case .stale: reasons.append("session: TradingView session is stale (run `access-console cookies set`)")
        case .valid, .unknown: break
        }
        let dir = runtime.masterDataDirectory.path
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
            reasons.append("master_data: folder missing")
        } else if !FileManager.default.isWritableFile(atPath: dir) {
            reasons.append("master_data: folder not writable")
        }
        return reasons
    }
}
