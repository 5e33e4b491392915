import Foundation

/// One daemon per data folder: `masterData/.daemon.lock`, a `HolderLock` held for the daemon's life. A
/// second daemon on the same folder is refused naming the first; without it, the second's clean stop
/// would mark `daemon-status.json` stopped while the first still runs.
public enum DaemonLock {
    public static let fileName = ".daemon.lock"

    /// Takes the lock without waiting; throws `DaemonLockError.held` naming the holder's pid.
    public static func acquire(directory: URL) throws -> HolderLock {
        switch try HolderLock.acquire(directory: directory, fileName: fileName) {
        case .success(let lock): return lock
        case .failure(let held): throw DaemonLockError.held(path: held.path, pid: held.pid)
        }
    }
}

public enum DaemonLockError: Error, Sendable, CustomStringConvertible, Equatable {
    case held(path: String, pid: Int32?)
    public var description: String {
        switch self {
        case .held(let path, let pid):
            let who = pid.map { "pid \($0)" } ?? "another process"
            return "another daemon (\(who)) already runs on this data folder (\(path)); stop it first, or give this one "
                + "a config with its own paths.master_data"
        }
    }
}
