import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The data-folder-wide sync lock, `masterData/.sync.lock`: one sync run at a time across processes.
/// The holder writes its pid into the file so others can say "sync running (pid N)". The lock is a
/// `flock`, so it dies with its process; the pid left in the file of a dead holder is ignored.
public final class RunLock: Sendable {
    public static let fileName = ".sync.lock"

    public let path: String
    /// The held lock; nil once released.
    private let lock: Mutex<FileLock?>

    /// Takes the lock without waiting. Throws `RunLockError.held` (with the holder's pid) when taken.
    public static func acquire(directory: URL) throws -> RunLock {
        try DurableFile.createDirectory(directory)
        let path = directory.appendingPathComponent(fileName).path
        // `holder(directory:)` probes by taking the lock for an instant; a short wait rides that out
        // while still failing at once against a real holder.
        guard let lock = try FileLock.acquire(path: path, wait: 0.05) else {
            throw RunLockError.held(path: path, pid: readPid(path))
        }
        let pid = "\(getpid())\n"
        guard ftruncate(lock.fd, 0) == 0 else {
            throw StoreError.io(path: path, detail: "cannot write pid: \(DurableFile.errnoText())")
        }
        try Array(pid.utf8).withUnsafeBytes { try DurableFile.writeAll(lock.fd, $0, path: path) }
        return RunLock(path: path, lock: lock)
    }

    /// The pid of the process holding the lock, or nil when nobody does.
    public static func holder(directory: URL) -> Int32? {
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

    private init(path: String, lock: sending FileLock) { self.path = path; self.lock = Mutex(lock) }

    /// Empties the pid and releases the lock. Also done on deinit.
    public func release() {
        lock.withLock { held in
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

public enum RunLockError: Error, Sendable, CustomStringConvertible, Equatable {
    case held(path: String, pid: Int32?)
    public var description: String {
        switch self {
        case .held(let path, let pid?): return "\(path): a sync is already running (pid \(pid))"
        case .held(let path, nil): return "\(path): a sync is already running"
        }
    }
}
