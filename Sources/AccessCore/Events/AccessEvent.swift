import Foundation

public enum EventLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case debug, info, notice, warning, error
    public static func < (a: EventLevel, b: EventLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One structured event: a line of logs/sync.log and a row of the console's log pane.
public struct AccessEvent: Codable, Sendable, Hashable {
    public var time: Date
    public var level: EventLevel
    /// A short dotted name: `sync.start`, `grant.ok`, `session.stale`, ...
    public var event: String
    public var script: String?
    public var user: String?
    public var message: String
    public var fields: [String: String]
    /// The process that wrote it, so a console can tell its own events from a daemon's.
    public var pid: Int32

    public init(time: Date = Date(), level: EventLevel = .info, event: String, script: String? = nil, user: String? = nil,
                message: String, fields: [String: String] = [:], pid: Int32 = ProcessInfo.processInfo.processIdentifier) {
        self.time = time; self.level = level; self.event = event; self.script = script; self.user = user
        self.message = message; self.fields = fields; self.pid = pid
    }
}
