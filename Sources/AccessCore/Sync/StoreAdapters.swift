import Foundation

/// A process that keeps every script open (benchmarks, a single-shot CLI run) can hand the Store's
/// cached folder to the engine; the console and daemon use `ScriptStoreOpener` so locks are short.
extension MasterDataStore: MasterDataProvider {
    public func openScript(_ scriptId: String) throws -> any ScriptMasterData { try open(scriptId: scriptId) }
    public func releaseScript(_ data: any ScriptMasterData) {}
}

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
