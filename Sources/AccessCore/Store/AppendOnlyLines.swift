import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file of lines (JSON lines, one record each): the webhook inbox, the sent-mail file,
/// the used-fix-links file. One type so that every such file keeps the same three promises:
///
/// - An append is durable before it returns (fsync), and the file's creation is too (the directory is
///   fsynced when the append created the file: without it a crash can lose the whole new file).
/// - A torn tail (a last line without its newline: a crash or a full disk mid-write) is cut before the
///   next append. Appending after it would glue the new record onto the torn one, and the two would read
///   as one undecodable line: a record already acknowledged (a webhook answered 200) would vanish on reload.
/// - Readers see complete lines only; a torn tail is reported, never handed out as a record.
///
/// Appends take an exclusive `flock` on the file for the check, cut, write and fsync, so two processes
/// (or two threads, each with its own descriptor) never cut a line the other is still writing.
/// The journal (`ScriptStore`) has its own codec and checksum and does not use this type.
public struct AppendOnlyLines: Sendable {
    public let path: String
    public let mode: mode_t

    public init(path: String, mode: mode_t = 0o600) {
        self.path = path
        self.mode = mode
    }

    /// What the file holds: its complete lines (empty ones skipped) and the size of a torn tail.
    public struct Contents: Sendable {
        public var lines: [ArraySlice<UInt8>]
        /// Bytes after the last newline (0: the file ends with a complete line, or is empty or absent).
        public var tornTailBytes: Int
    }

    /// Reads every complete line; a missing file reads as empty. Takes no lock.
    public func read() throws -> Contents {
        guard let bytes = try DurableFile.readAll(path) else { return Contents(lines: [], tornTailBytes: 0) }
        return Self.split(bytes)
    }

    static func split(_ bytes: [UInt8]) -> Contents {
        let end = (bytes.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        let lines = bytes[..<end].split(separator: 0x0A, omittingEmptySubsequences: true)
        return Contents(lines: lines, tornTailBytes: bytes.count - end)
    }

    /// Appends one line (`line` must not contain a newline; one is added) and fsyncs it. Returns how many
    /// bytes of a torn tail were cut first (0 almost always). Throws `StoreError.io`.
    @discardableResult
    public func append(_ line: some Collection<UInt8>) throws -> Int {
        precondition(!line.contains(0x0A), "a record of an append-only lines file holds no newline")
        var bytes = Array(line)
        bytes.append(0x0A)
        let (fd, created) = try openForAppend()
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw StoreError.io(path: path, detail: "cannot lock: \(DurableFile.errnoText())") }
        let cut = try cutTornTail(fd)
        try bytes.withUnsafeBytes { try DurableFile.writeAll(fd, $0, path: path) }
        try DurableFile.sync(fd, path: path)
        if created { try DurableFile.syncDirectory((path as NSString).deletingLastPathComponent) }
        return cut
    }

    /// Creates the file when it is missing (durably: the directory is fsynced), so a folder that takes no
    /// files is found at start rather than at the first record.
    public func create() throws {
        let (fd, created) = try openForAppend()
        close(fd)
        if created { try DurableFile.syncDirectory((path as NSString).deletingLastPathComponent) }
    }

    /// Empties the file (durably), e.g. once everything in it is settled.
    public func truncate() throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return }
            throw StoreError.io(path: path, detail: "cannot open: \(DurableFile.errnoText())")
        }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0, ftruncate(fd, 0) == 0 else {
            throw StoreError.io(path: path, detail: "cannot empty: \(DurableFile.errnoText())")
        }
        try DurableFile.sync(fd, path: path)
    }

    /// Opens for appending; `created` when this call made the file (its directory entry needs an fsync).
    private func openForAppend() throws -> (Int32, created: Bool) {
        let fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC)  // read too: the torn-tail check
        if fd >= 0 { return (fd, false) }
        guard errno == ENOENT else { throw StoreError.io(path: path, detail: "cannot open: \(DurableFile.errnoText())") }
        return (try DurableFile.openFile(path, O_RDWR | O_APPEND | O_CREAT, mode: mode), true)
    }

    /// Cuts everything after the last newline. Called with the file locked.
    private func cutTornTail(_ fd: Int32) throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError.io(path: path, detail: "cannot stat: \(DurableFile.errnoText())") }
        let size = Int(st.st_size)
        guard size > 0 else { return 0 }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, off_t(size - 1)) == 1 else {
            throw StoreError.io(path: path, detail: "cannot read: \(DurableFile.errnoText())")
        }
        if last == 0x0A { return 0 }
        // Walk back to the last newline, a block at a time (a torn line is one record long).
        var end = size
        var block = [UInt8](repeating: 0, count: 4096)
        var keep = 0
        search: while end > 0 {
            let start = max(0, end - block.count)
            let n = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, end - start, off_t(start)) }
            guard n == end - start else { throw StoreError.io(path: path, detail: "cannot read: \(DurableFile.errnoText())") }
            for i in stride(from: n - 1, through: 0, by: -1) where block[i] == 0x0A {
                keep = start + i + 1
                break search
            }
            end = start
        }
        guard ftruncate(fd, off_t(keep)) == 0 else {
            throw StoreError.io(path: path, detail: "cannot cut the torn last line: \(DurableFile.errnoText())")
        }
        return size - keep
    }
}
