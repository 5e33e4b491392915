import Foundation

/// Fan-out of events to live subscribers (the console) and sinks (the JSON-lines log).
/// Emitting never blocks: slow subscribers drop the oldest buffered events.
public final class EventHub: Sendable {
    private struct Listeners {
        var continuations: [UUID: AsyncStream<AccessEvent>.Continuation] = [:]
        var sinks: [@Sendable (AccessEvent) -> Void] = []
    }
    private let listeners = Locked(Listeners())

    public init() {}

    public func addSink(_ sink: @escaping @Sendable (AccessEvent) -> Void) {
        listeners.withLock { $0.sinks.append(sink) }
    }

    public func emit(_ event: AccessEvent) {
        let (subs, sinks) = listeners.withLock { (Array($0.continuations.values), $0.sinks) }
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
            _ = self.listeners.withLock { $0.continuations.removeValue(forKey: id) }
        }
        listeners.withLock { $0.continuations[id] = continuation }
        return stream
    }
}
