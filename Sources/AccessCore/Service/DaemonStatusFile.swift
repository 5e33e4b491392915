import Foundation

/// `master_data/daemon-status.json`: what a daemon on this data folder is doing, for the console and
/// other processes (pid, address, last run, next run, webhook counts). Rewritten atomically after each
/// run; `stoppedAt` is set on a clean stop. No secrets: counts, times and outcomes only.
public struct DaemonStatusFile: Codable, Sendable, Hashable {
    public var pid: Int32
    public var listen: String
    public var startedAt: Date
    public var updatedAt: Date
    public var stoppedAt: Date?
    public var lastRun: RunRecord?
    public var lastSuccessAt: Date?
    public var nextRunAt: Date?
    public var webhookPending: Int
    /// kind -> outcome -> count since the daemon started.
    public var webhookCounts: [String: [String: Int]]
    /// The session watch's last and next check (nil: not checked yet, or the watch is off). Optional
    /// so files of older daemons still read.
    public var watchLastCheck: Date?
    public var watchNextCheck: Date?

    public static let fileName = "daemon-status.json"

    public init(pid: Int32, listen: String, startedAt: Date, updatedAt: Date, stoppedAt: Date? = nil,
                snapshot: CoordinatorSnapshot, watchLastCheck: Date? = nil, watchNextCheck: Date? = nil) {
        self.watchLastCheck = watchLastCheck; self.watchNextCheck = watchNextCheck
        self.pid = pid; self.listen = listen; self.startedAt = startedAt; self.updatedAt = updatedAt
        self.stoppedAt = stoppedAt; lastRun = snapshot.lastRun; lastSuccessAt = snapshot.lastSuccessAt
        nextRunAt = snapshot.nextScheduledAt; webhookPending = snapshot.webhookPending; webhookCounts = snapshot.webhookCounts
    }

    /// The daemon's last word on this data folder; nil when none ever ran here or the file is unreadable.
    public static func read(directory: URL) -> DaemonStatusFile? {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(fileName).path) else { return nil }
        return try? decoder.decode(DaemonStatusFile.self, from: data)
    }

    /// True when the file's pid is a running process (a daemon killed without a clean stop leaves it behind).
    public var isRunning: Bool { stoppedAt == nil && kill(pid, 0) == 0 }

    public func write(directory: URL) {
        guard let data = try? Self.encoder.encode(self) else { return }
        try? data.write(to: directory.appendingPathComponent(Self.fileName), options: .atomic)
    }

    static let encoder: JSONEncoder = { let e = JSONEncoder(); e.dateEncodingStrategy = TimeText.jsonEncoding; e.outputFormatting = [.sortedKeys, .prettyPrinted]; return e }()
    static let decoder: JSONDecoder = { let d = JSONDecoder(); d.dateDecodingStrategy = TimeText.jsonDecoding; return d }()
}
