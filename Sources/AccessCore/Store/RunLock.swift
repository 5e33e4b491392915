import Foundation

/// The data-folder-wide sync lock, `masterData/.sync.lock`: one sync run at a time across processes.
/// A `HolderLock`, so others can say "sync running (pid N)".
public enum RunLock {
    public static let fileName = ".sync.lock"

    /// Takes the lock without waiting. Throws `RunLockError.held` (with the holder's pid) when taken.
    public static func acquire(directory: URL) throws -> HolderLock {
        switch try HolderLock.acquire(directory: directory, fileName: fileName) {
        case .success(let lock): return lock
        case .failure(let held): throw RunLockError.held(path: held.path, pid: held.pid)
        }
    }

    /// The pid of the process holding the lock, or nil when nobody does.
    public static func holder(directory: URL) -> Int32? { HolderLock.holder(directory: directory, fileName: fileName) }
}

public enum RunLockError: Error, Sendable, CustomStringConvertible, Equatable {
    case held(path: String, pid: Int32?)
    public var description: String {
        switch self {
        case .held(let path, let pid?): return "\(path): a sync is already running (pid \(pid))"
        case .held(let path, nil): return "\(path): a sync is already running"
        }
    }
}
