import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One daemon per data folder: `masterData/.daemon.lock`, an exclusive `flock` held for the daemon's life
/// with the holder's pid inside. A second daemon on the same folder is refused naming the first; without
/// it, the second's clean stop would mark `daemon-status.json` stopped while the first still runs. The
/// lock dies with its process, so a crash leaves nothing to clean up.
public final class DaemonLock: Sendable {
    public static let fileName = ".daemon.lock"
    public let path: String
    /// The held lock; nil once released.
    private let lock: Mutex<FileLock?>

    /// Takes the lock without waiting; throws `DaemonLockError.held` naming the holder's pid.
    public static func acquire(directory: URL) throws -> DaemonLock {
        try DurableFile.createDirectory(directory)
        let path = directory.appendingPathComponent(fileName).path
        guard let lock = try FileLock.acquire(path: path, wait: 0.05) else {
            throw DaemonLockError.held(path: path, pid: pid(in: path))
        }
        guard ftruncate(lock.fd, 0) == 0 else {
            throw StoreError.io(path: path, detail: "cannot write pid: \(DurableFile.errnoText())")
        }
        try Array("\(getpid())\n".utf8).withUnsafeBytes { try DurableFile.writeAll(lock.fd, $0, path: path) }
        return DaemonLock(path: path, lock: lock)
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

    private static func pid(in path: String) -> Int32? {
        guard let bytes = try? DurableFile.readAll(path) else { return nil }
        return Int32(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
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
