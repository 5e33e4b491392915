import Foundation

/// The data-folder sync lock (`masterData/.sync.lock`) as the Actions see it.
public struct FolderSyncLock: SyncLockProvider {
    public let directory: URL
    public init(directory: URL) { self.directory = directory }

    public func acquireSyncLock() throws -> @Sendable () -> Void {
        do {
            let lock = try RunLock.acquire(directory: directory)
            return { lock.release() }
        } catch RunLockError.held(_, let pid) {
            throw ActionError.syncRunning(pid: pid)
        }
    }
}
