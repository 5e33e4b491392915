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
    /// `directory` may be empty: the folder of a bare file name (`--csv sheet.csv`) is the current one.
    static func syncDirectory(_ directory: String) throws {
        let directory = directory.isEmpty ? "." : directory
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
        // Uninitialized: zero-filling 50 MB first would cost as much as reading it. A big file is read
        // in ranges side by side: copying it out of the page cache and faulting in the new pages take
        // one core ~30 ms at 50 MB (a sync's load, or a snapshot that could not be mapped).
        let size = Int(st.st_size)
        guard size > 0 else { return [] }
        let parts = size >= 8 << 20 ? min(ProcessInfo.processInfo.activeProcessorCount, 4) : 1
        let got = Locked([Result<Int, StoreError>](repeating: .success(0), count: parts))
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, initialized in
            let out = SharedBuffer(base: buf.baseAddress)
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                let range = (size * k / parts)..<(size * (k + 1) / parts)
                let result = readRange(fd, into: out.base! + range.lowerBound, count: range.count, at: range.lowerBound, path: path)
                got.withLock { $0[k] = result }
            }
            // What a read from the start would have given: up to the first range that came short
            // (the file was cut while being read).
            var done = 0
            for (k, result) in got.withLock({ $0 }).enumerated() {
                guard case .success(let n) = result else { break }
                done += n
                if n < size * (k + 1) / parts - size * k / parts { break }
            }
            initialized = done
        }
        for case .failure(let failure) in got.withLock({ $0 }) { throw failure }
        return bytes
    }

    /// The file's bytes for `body` (nil when there is no file). A file over 1 MB is mapped
    /// (`GuardedMapping`: ~3 ms instead of ~30 for 50 MB, and faster to parse); when it cannot be, or
    /// was cut while mapped (rewritten in place by someone else), it is read and `body` runs again.
    static func withContents<R>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) throws -> R {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            var st = stat()
            if fstat(fd, &st) == 0, st.st_size >= 1 << 20, let result = try GuardedMapping.with(fd: fd, size: Int(st.st_size), { try body($0) }) {
                return result
            }
        }
        return try withBuffer(try readAll(path), body)
    }

    /// `bytes` as a buffer for `body` (nil stays nil: no file).
    static func withBuffer<R>(_ bytes: [UInt8]?, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        guard let bytes else { return try body(nil) }
        return try bytes.withUnsafeBufferPointer { try body($0) }
    }

    /// Reads `count` bytes at `offset` into `into`; fewer only at the end of the file.
    private static func readRange(_ fd: Int32, into: UnsafeMutablePointer<UInt8>, count: Int, at offset: Int, path: String) -> Result<Int, StoreError> {
        var done = 0
        while done < count {
            let n = pread(fd, into + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(StoreError.io(path: path, detail: "cannot read: \(errnoText())"))
            }
            if n == 0 { break }
            done += n
        }
        return .success(done)
    }

    /// The buffer being read into: each range is written by one reader, and `readAll` waits for all.
    // unchecked: a pointer; each reader writes its own disjoint range and `readAll` waits for all.
    private struct SharedBuffer: @unchecked Sendable { let base: UnsafeMutablePointer<UInt8>? }

    static func createDirectory(_ url: URL) throws {
        // 0700 when created here; an existing folder keeps the mode its owner gave it.
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
            throw StoreError.io(path: url.path, detail: "cannot create directory: \(error.localizedDescription)")
        }
    }
}
