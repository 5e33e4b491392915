import Foundation

/// How `access-console daemon` runs: config.json's `server` section plus command-line overrides.
public struct DaemonOptions: Sendable {
    /// `HOST:PORT` instead of `server.listen` (port 0: any free port, announced in `daemon.listening`).
    public var listen: String?
    public var dryRun = false
    /// Sync once at start, before the first interval.
    public var syncAtStart = true
    /// How long SIGTERM waits for a running run to finish its writes.
    public var shutdownBound: Duration = .seconds(20)
    /// How often alert conditions are looked at.
    public var alertCheck: Duration = .seconds(30)
    /// A file holding UNIX seconds that stands in for the clock of alert timing (tests).
    public var clockFile: String?
    /// How long a connection may sit without a complete request part before it is closed: a half-sent
    /// request (headers never finished) holds a connection no longer than this.
    public var idleTimeout: Duration = .seconds(30)

    public init() {}
}
