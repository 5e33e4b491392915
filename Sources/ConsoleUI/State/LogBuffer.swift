import AccessCore
import Foundation

/// One event as the log pane keeps it, with its lowercase search text computed once.
public struct LogEntry: Sendable, Equatable {
    public var event: AccessEvent
    public var search: String
    public init(_ e: AccessEvent) {
        event = e
        search = [e.name, e.script ?? "", e.user ?? "", e.message].joined(separator: " ").lowercased()
    }
}

/// A bounded ring of log entries addressed by a growing sequence number; the oldest fall off.
public struct LogBuffer: Sendable, Equatable {
    public let capacity: Int
    private var storage: [LogEntry] = []
    private var head = 0
    /// Sequence number of the oldest entry still held.
    public private(set) var firstSeq = 0

    public init(capacity: Int = 10_000) { self.capacity = max(1, capacity) }

    public var count: Int { storage.count }
    /// One past the newest entry's sequence number.
    public var endSeq: Int { firstSeq + storage.count }

    public subscript(seq: Int) -> LogEntry? {
        guard seq >= firstSeq, seq < endSeq else { return nil }
        return storage[(head + seq - firstSeq) % capacity]
    }

    public mutating func append(_ e: AccessEvent) {
        let entry = LogEntry(e)
        if storage.count < capacity {
            storage.append(entry)
        } else {
            storage[head] = entry
            head = (head + 1) % capacity
            firstSeq += 1
        }
    }
}

/// The log pane: ring buffer, filter, and whether it follows new events.
public struct LogState: Sendable, Equatable {
    public var buffer: LogBuffer
    public var minLevel: EventLevel = .debug
    public var filter = ""
    /// sync.progress lines bury the real events: hidden unless asked for (the header shows progress).
    public var showProgress = false
    /// nil = follow the newest matching event; otherwise the selected (bottom-most shown) event.
    public var selectedSeq: Int?

    public init(capacity: Int = 10_000) { buffer = LogBuffer(capacity: capacity) }

    public var following: Bool { selectedSeq == nil }

    public func matches(_ e: LogEntry) -> Bool {
        e.event.level >= minLevel && (showProgress || e.event.kind != .runProgress)
            && (filter.isEmpty || e.search.contains(filter.lowercased()))
    }

    /// The newest matching sequence number at or before `seq`.
    public func match(atOrBefore seq: Int) -> Int? {
        var s = min(seq, buffer.endSeq - 1)
        while s >= buffer.firstSeq {
            if let e = buffer[s], matches(e) { return s }
            s -= 1
        }
        return nil
    }

    public func match(after seq: Int) -> Int? {
        var s = max(seq + 1, buffer.firstSeq)
        while s < buffer.endSeq {
            if let e = buffer[s], matches(e) { return s }
            s += 1
        }
        return nil
    }

    /// The event the window ends at.
    public var anchor: Int? {
        if let s = selectedSeq, buffer[s] != nil { return match(atOrBefore: s) }
        return match(atOrBefore: buffer.endSeq - 1)
    }

    /// Up to `height` matching entries ending at the anchor, oldest first: only what is visible.
    public func window(height: Int) -> [(seq: Int, entry: LogEntry)] {
        guard height > 0, var s = anchor else { return [] }
        var out: [(Int, LogEntry)] = []
        while out.count < height, s >= buffer.firstSeq {
            if let e = buffer[s], matches(e) { out.append((s, e)) }
            s -= 1
        }
        return out.reversed()
    }

    public mutating func move(by delta: Int) {
        guard var s = anchor else { return }
        if delta < 0 {
            for _ in 0..<(-delta) { if let p = match(atOrBefore: s - 1) { s = p } }
            selectedSeq = s
        } else {
            for _ in 0..<delta {
                guard let n = match(after: s) else { selectedSeq = nil; return }
                s = n
            }
            selectedSeq = s
        }
    }
}
