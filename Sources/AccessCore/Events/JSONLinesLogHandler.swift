import Foundation
import Logging

/// A swift-log handler that turns log calls into AccessEvents on the hub, so library and product logs
/// land in the same JSON-lines file and console pane. Metadata keys `event`, `script` and `user` fill the
/// event's columns; the rest become fields.
public struct JSONLinesLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let hub: EventHub

    public init(label: String, hub: EventHub) { self.label = label; self.hub = hub }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var fields: [String: String] = [:]
        for (k, v) in merged where !["event", "script", "user"].contains(k) { fields[k] = "\(v)" }
        hub.emit(AccessEvent(level: Self.level(event.level), kind: EventKind(name: merged["event"].map { "\($0)" } ?? label),
                             script: merged["script"].map { "\($0)" }, user: merged["user"].map { "\($0)" },
                             message: "\(event.message)", fields: fields))
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
