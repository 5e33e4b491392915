import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a file, held until `release()`. The kernel drops it when the process dies,
/// so a crashed holder never leaves a stale lock. Lock descriptors are close-on-exec: a child process
/// never inherits (and so never prolongs) a lock.
final class FileLock {
    let path: String
    private(set) var fd: Int32

    /// Tries to lock for up to `wait` seconds (0 = one attempt); nil when another holder keeps it.
    static func acquire(path: String, wait: TimeInterval = 0) throws -> FileLock? {
        let fd = try DurableFile.openFile(path, O_RDWR | O_CREAT)
        let deadline = Date().addingTimeInterval(wait)
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return FileLock(path: path, fd: fd) }
            let reason = errno
            guard reason == EWOULDBLOCK || reason == EINTR else {
                close(fd)
                throw StoreError.io(path: path, detail: "cannot lock: \(String(cString: strerror(reason)))")
            }
            if Date() >= deadline { close(fd); return nil }
            usleep(20_000)
        }
    }

    private init(path: String, fd: Int32) { self.path = path; self.fd = fd }

    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
