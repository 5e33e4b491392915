import Foundation

/// Follows logs/sync.log as other processes append to it (a daemon, another console), across truncation
/// and rotation, and yields the events they write. Polls: cheap, portable, and idle-friendly at 250 ms.
public struct LogTailer: Sendable {
    public let path: String
    public let interval: Duration
    /// Skip events this process wrote itself (it sees those live through the EventHub).
    public let skipPid: Int32?

    public init(path: String, interval: Duration = .milliseconds(250), skipPid: Int32? = ProcessInfo.processInfo.processIdentifier) {
        self.path = path; self.interval = interval; self.skipPid = skipPid
    }

    /// The last `count` events already in the file (for the log pane on start).
    public func recent(_ count: Int) -> [AccessEvent] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let tail = data.count > 4_000_000 ? data.suffix(4_000_000) : data
        let text = String(decoding: tail, as: UTF8.self)
        return text.split(separator: "\n").suffix(count).compactMap(EventCoding.parse)
    }

    /// New events from the current end of the file on.
    public func follow() -> AsyncStream<AccessEvent> {
        let path = self.path, interval = self.interval, skipPid = self.skipPid
        // Where "now" is, taken before returning: lines appended while the task starts are not lost.
        let startOffset = Self.size(path) ?? 0, startInode = Self.inode(path)
        return AsyncStream { continuation in
            let task = Task {
                var offset = startOffset
                var inode = startInode
                var pending = Data()
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    let currentInode = Self.inode(path)
                    let size = Self.size(path) ?? 0
                    if currentInode != inode || size < offset { offset = 0; pending.removeAll(); inode = currentInode }
                    guard size > offset, let handle = FileHandle(forReadingAtPath: path) else { continue }
                    do {
                        try handle.seek(toOffset: offset)
                        let chunk = try handle.readToEnd() ?? Data()
                        try? handle.close()
                        offset += UInt64(chunk.count)
                        pending.append(chunk)
                    } catch { try? handle.close(); continue }
                    guard let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) else { continue }
                    let complete = pending[pending.startIndex...lastNewline]
                    pending = Data(pending[(lastNewline + 1)...])
                    for line in String(decoding: complete, as: UTF8.self).split(separator: "\n") {
                        guard let event = EventCoding.parse(line) else { continue }
                        if let skipPid, event.pid == skipPid { continue }
                        continuation.yield(event)
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    static func size(_ path: String) -> UInt64? {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_size) : nil
    }

    static func inode(_ path: String) -> UInt64? {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }
}
