import Foundation

/// What one sync run did; `access-console sync --json` prints it.
public struct SyncSummary: Codable, Sendable, Hashable {
    /// Transactions and retry items settled this run (applied, unchanged, or moved to review).
    public var processed = 0
    public var granted = 0
    public var extended = 0
    public var revoked = 0
    /// Items added to the manual-review queue.
    public var review = 0
    /// Items put (back) on the retry queue.
    public var retry = 0
    /// Writes or fetches that failed this run (each also counted under retry or review when queued).
    public var failed = 0
    /// Pending/failed payments, products no script is configured for, records WordPress sent malformed.
    public var skipped = 0
    /// Work that could not be done and that no queue holds: WordPress or a script's TradingView list
    /// unreachable, master data that could not be read or written (disk full). The next run tries again.
    public var incomplete = 0
    /// First run on a live business: users whose TradingView access already covers their purchases
    /// (recorded, no write).
    public var adopted = 0
    public var dryRun = false
    public var stale = false
    /// Filled by the caller from the clients' counters.
    public var callsByEndpoint: [String: Int] = [:]
    public var durationSeconds: Double = 0

    public init(dryRun: Bool = false) { self.dryRun = dryRun }

    /// 0 done, 1 items queued for retry or review, 3 session stale, 5 work not done and not queued.
    public var exitCode: Int32 {
        if stale { return 3 }
        if incomplete > 0 { return 5 }
        return review > 0 || retry > 0 || failed > 0 ? 1 : 0
    }
}
