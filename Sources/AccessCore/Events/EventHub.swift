import Foundation

/// Fan-out of events to live subscribers (the console) and sinks (the JSON-lines log).
/// Emitting never blocks: slow subscribers drop the oldest buffered events.
public final class EventHub: @unchecked Sendable {
    private let lock = NSLock()
    private var continuations: [UUID: AsyncStream<AccessEvent>.Continuation] = [:]
    private var sinks: [@Sendable (AccessEvent) -> Void] = []

    public init() {}

    public func addSink(_ sink: @escaping @Sendable (AccessEvent) -> Void) {
        lock.lock(); sinks.append(sink); lock.unlock()
    }

    public func emit(_ event: AccessEvent) {
        lock.lock()
        let subs = Array(continuations.values)
        let sinks = self.sinks
        lock.unlock()
        for s in sinks { s(event) }
        for c in subs { c.yield(event) }
    }

    public func emit(_ level: EventLevel, _ kind: EventKind, script: String? = nil, user: String? = nil,
                     _ message: String, fields: [String: String] = [:]) {
        emit(AccessEvent(level: level, kind: kind, script: script, user: user, message: message, fields: fields))
    }

    /// A live stream of events emitted from now on.
    public func subscribe(bufferSize: Int = 10_000) -> AsyncStream<AccessEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<AccessEvent>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.lock.lock(); self.continuations.removeValue(forKey: id); self.lock.unlock()
        }
        lock.lock(); continuations[id] = continuation; lock.unlock()
        return stream
    }
}
