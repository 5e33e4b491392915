import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// POSIX file operations the store needs for durability (Foundation does not fsync directories).
/// Every function throws `StoreError.io` naming the path and the system's reason.
enum DurableFile {
    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Files are created 0600: master data holds customer emails and names.
    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o600) throws -> Int32 {
        let fd = open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw StoreError.io(path: path, detail: "cannot open: \(errnoText())") }
        return fd
    }

    static func closeFile(_ fd: Int32) { close(fd) }

    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.io(path: path, detail: "cannot write: \(errnoText())")
            }
            done += n
        }
    }

    static func sync(_ fd: Int32, path: String) throws {
        guard fsync(fd) == 0 else { throw StoreError.io(path: path, detail: "cannot flush to disk: \(errnoText())") }
    }

    /// Makes a rename or a file creation in `directory` durable.
    static func syncDirectory(_ directory: String) throws {
        let fd = try openFile(directory, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try sync(fd, path: directory)
    }

    /// Replaces `path` with `bytes` so that a crash leaves either the old or the new file, never a mix:
    /// temp file, fsync, rename, fsync the directory.
    static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600) throws {
        let temp = path + ".tmp"
        let fd = try openFile(temp, O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
        do {
            // A temp file left by a crash keeps its old mode through O_TRUNC: set it again.
            guard fchmod(fd, mode) == 0 else { throw StoreError.io(path: temp, detail: "cannot chmod: \(errnoText())") }
            try bytes.withUnsafeBytes { try writeAll(fd, $0, path: temp) }
            try sync(fd, path: temp)
            close(fd)
        } catch {
            close(fd); unlink(temp)
            throw error
        }
        guard rename(temp, path) == 0 else {
            let reason = errnoText()
            unlink(temp)
            throw StoreError.io(path: path, detail: "cannot rename \(temp) into place: \(reason)")
        }
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    static func readAll(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw StoreError.io(path: path, detail: "cannot open: \(errnoText())")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError.io(path: path, detail: "cannot stat: \(errnoText())") }
        // Uninitialized: zero-filling 50 MB first would cost as much as reading it.
        var failure: StoreError?
        let bytes = [UInt8](unsafeUninitializedCapacity: Int(st.st_size)) { buf, initialized in
            var done = 0
            while done < buf.count {
                let n = read(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = StoreError.io(path: path, detail: "cannot read: \(errnoText())")
                    break
                }
                if n == 0 { break }
                done += n
            }
            initialized = done
        }
        if let failure { throw failure }
        return bytes
    }

    static func createDirectory(_ url: URL) throws {
        // 0700 when created here; an existing folder keeps the mode its owner gave it.
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
            throw StoreError.io(path: url.path, detail: "cannot create directory: \(error.localizedDescription)")
        }
    }
}
