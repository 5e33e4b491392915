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
    public var kind: EventKind
    public var script: String?
    public var user: String?
    public var message: String
    /// The payload, as written to the log. Typed views (`runProgress`, `runEnd`) read it.
    public var fields: [String: String]
    /// The process that wrote it, so a console can tell its own events from a daemon's.
    public var pid: Int32

    public init(time: Date = Date(), level: EventLevel = .info, kind: EventKind, script: String? = nil, user: String? = nil,
                message: String, fields: [String: String] = [:], pid: Int32 = ProcessInfo.processInfo.processIdentifier) {
        self.time = time; self.level = level; self.kind = kind; self.script = script; self.user = user
        self.message = message; self.fields = fields; self.pid = pid
    }

    /// The dotted name written to the log (`sync.start`, `grant.ok`, ...).
    public var name: String { kind.name }

    private enum CodingKeys: String, CodingKey { case time, level, event, script, user, message, fields, pid }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        time = try c.decode(Date.self, forKey: .time)
        level = try c.decode(EventLevel.self, forKey: .level)
        kind = EventKind(name: try c.decode(String.self, forKey: .event))
        script = try c.decodeIfPresent(String.self, forKey: .script)
        user = try c.decodeIfPresent(String.self, forKey: .user)
        message = try c.decode(String.self, forKey: .message)
        fields = try c.decodeIfPresent([String: String].self, forKey: .fields) ?? [:]
        pid = try c.decode(Int32.self, forKey: .pid)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(time, forKey: .time)
        try c.encode(level, forKey: .level)
        try c.encode(kind.name, forKey: .event)
        try c.encodeIfPresent(script, forKey: .script)
        try c.encodeIfPresent(user, forKey: .user)
        try c.encode(message, forKey: .message)
        try c.encode(fields, forKey: .fields)
        try c.encode(pid, forKey: .pid)
    }
}
