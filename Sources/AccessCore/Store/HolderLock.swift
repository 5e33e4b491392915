import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a file in a data folder with the holder's pid written inside, so another
/// process refused the lock can say who holds it. The kernel drops the lock with its process, so a crash
/// leaves nothing to clean up; the pid left behind by a dead holder is ignored (nobody holds the lock).
/// Serves the sync lock (`RunLock`, `.sync.lock`) and the one-daemon-per-folder lock (`DaemonLock`,
/// `.daemon.lock`).
public final class HolderLock: Sendable {
    public let path: String
    /// The held lock; nil once released.
    private let held: Locked<FileLock?>

    /// Takes `directory/fileName` without waiting (creating the folder); nil and the holder's pid (nil when
    /// not written yet) when another process holds it.
    static func acquire(directory: URL, fileName: String) throws -> Result<HolderLock, Held> {
        try DurableFile.createDirectory(directory)
        let path = directory.appendingPathComponent(fileName).path
        // `holder(directory:)` probes by taking the lock for an instant; a short wait rides that out
        // while still failing at once against a real holder.
        guard let lock = try FileLock.acquire(path: path, wait: 0.05) else {
            return .failure(Held(path: path, pid: readPid(path)))
        }
        guard ftruncate(lock.fd, 0) == 0 else {
            throw StoreError.io(path: path, detail: "cannot write pid: \(DurableFile.errnoText())")
        }
        try Array("\(getpid())\n".utf8).withUnsafeBytes { try DurableFile.writeAll(lock.fd, $0, path: path) }
        return .success(HolderLock(path: path, lock: lock))
    }

    /// Who holds a lock another process took.
    struct Held: Error { var path: String; var pid: Int32? }

    /// The pid of the process holding `directory/fileName` (0 when held but the pid is not written yet),
    /// or nil when nobody does.
    static func holder(directory: URL, fileName: String) -> Int32? {
        let path = directory.appendingPathComponent(fileName).path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { DurableFile.closeFile(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        // Held, but the pid may not be written yet (the holder writes it right after locking).
        return readPid(path) ?? 0
    }

    private init(path: String, lock: sending FileLock) { self.path = path; held = Locked(lock) }

    /// Empties the pid and releases the lock. Also done on deinit.
    public func release() {
        held.withLock { held in
            guard let lock = held else { return }
            _ = ftruncate(lock.fd, 0)
            lock.release()
            held = nil
        }
    }

    deinit { release() }

    private static func readPid(_ path: String) -> Int32? {
        guard let bytes = try? DurableFile.readAll(path) else { return nil }
        return Int32(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
