import Foundation

/// The data-folder lock that allows one sync at a time across processes (the Store's `RunLock`).
public protocol SyncLockProvider: Sendable {
    /// Takes the lock without waiting and returns its release.
    /// Throws `ActionError.syncRunning(pid:)` when another process holds it.
    func acquireSyncLock() throws -> @Sendable () -> Void
}
