import Foundation
import Testing
@testable import AccessCore

/// Issue 11.7: a log write cut short (disk full) leaves one torn line; the next event starts a fresh
/// line, and readers skip the torn one.
@Suite struct LogTornLineTests {
    /// A disk that fills during the first line: write(2) takes half of it, then fails with ENOSPC;
    /// after that (room again) every write goes through.
    final class HalfFull: @unchecked Sendable {
        let lock = NSLock()
        var calls = 0
        func write(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
            let call = lock.withLock { calls += 1; return calls }
            if call == 1 { return Foundation.write(fd, p, n / 2) }
            if call == 2 { errno = ENOSPC; return -1 }
            return Foundation.write(fd, p, n)
        }
    }

    @Test func theWriteAfterAFailedOneStartsOnAFreshLine() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = dir.path("sync.log")
        let half = HalfFull()
        let log = try EventLogFile(path: path, redact: { $0 }, writeBytes: { half.write($0, $1, $2) })
        log.write(AccessEvent(kind: EventKind(name: "first"), message: "cut by a full disk"))
        log.write(AccessEvent(kind: EventKind(name: "second"), message: "after the disk had room again"))
        log.write(AccessEvent(kind: EventKind(name: "third"), message: "and on"))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4 && lines[3].isEmpty)
        #expect(EventCoding.parse(lines[0]) == nil, "the torn line stays torn")
        #expect(EventCoding.parse(lines[1])?.name == "second" && EventCoding.parse(lines[2])?.name == "third")
        #expect(LogTailer(path: path, skipPid: nil).recent(10).map(\.name) == ["second", "third"])
    }

    @Test func aLogLeftMidLineByAnotherProcessIsEndedFirst() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = dir.path("sync.log")
        try Data(#"{"event":"torn","lev"#.utf8).write(to: URL(fileURLWithPath: path))
        let log = try EventLogFile(path: path)
        log.write(AccessEvent(kind: EventKind(name: "next"), message: "m"))
        #expect(LogTailer(path: path, skipPid: nil).recent(10).map(\.name) == ["next"])
    }

    @Test func theTailerSkipsATornLineAndKeepsFollowing() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = dir.path("sync.log")
        try Data().write(to: URL(fileURLWithPath: path))
        let tailer = LogTailer(path: path, interval: .milliseconds(10), skipPid: nil)
        let stream = tailer.follow()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((#"{"event":"torn","le"# + "\n" + EventCoding.line(AccessEvent(kind: EventKind(name: "good"), message: "m")) + "\n").utf8))
        try handle.close()
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next()?.name == "good")
    }
}
