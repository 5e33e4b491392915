import Foundation
import Logging

/// The one log stream: a swift-log handler that turns the logs of Hummingbird, NIO and
/// swift-service-lifecycle into `AccessEvent`s on the hub, so they land in the same JSON-lines file, echo
/// and console pane as our own events, through the same redaction. Every line is `library.log`
/// (`EventKind.libraryLog`), with the logger's label in the `logger` field; metadata keys `script` and
/// `user` fill the event's columns and the rest become fields. The message and every field pass through
/// `redact` before the event exists, so no subscriber (not only the log file) sees a secret a library put
/// in a log line (a URL with a key in it, a header).
public struct EventStreamLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let hub: EventHub
    let redact: @Sendable (String) -> String

    public init(label: String, hub: EventHub, level: Logger.Level = .warning,
                redact: @escaping @Sendable (String) -> String = { $0 }) {
        self.label = label; self.hub = hub; self.logLevel = level; self.redact = redact
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var fields: [String: String] = ["logger": label]
        for (k, v) in merged where !["script", "user", "logger"].contains(k) { fields[k] = redact("\(v)") }
        hub.emit(AccessEvent(level: Self.level(event.level), kind: .libraryLog,
                             script: merged["script"].map { redact("\($0)") }, user: merged["user"].map { redact("\($0)") },
                             message: redact("\(event.message)"), fields: fields))
    }

    /// A `Logger` for a library, writing into the hub.
    public static func logger(label: String, hub: EventHub, level: Logger.Level = .warning,
                              redact: @escaping @Sendable (String) -> String = { $0 }) -> Logger {
        Logger(label: label) { EventStreamLogHandler(label: $0, hub: hub, level: level, redact: redact) }
    }

    static func level(_ l: Logger.Level) -> EventLevel {
        switch l {
        case .trace, .debug: return .debug
        case .info: return .info
        case .notice: return .notice
        case .warning: return .warning
        case .error, .critical: return .error
        }
    }
}
