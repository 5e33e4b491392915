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
    /// Writes of this run read back from TradingView's list and found as written.
    public var verified = 0
    /// Writes TradingView answered ok and did not keep, sent again and then found (also counted in verified).
    public var repaired = 0
    public var dryRun = false
    public var stale = false
    /// Filled by the caller from the clients' counters.
    public var callsByEndpoint: [String: Int] = [:]
    public var durationSeconds: Double = 0

    public init(dryRun: Bool = false) { self.dryRun = dryRun }

    /// "3 verified, 1 repaired" for the console and the run's one-line summaries; nil when the run read
    /// nothing back.
    public var verificationText: String? {
        guard verified > 0 || repaired > 0 else { return nil }
        return "\(verified) verified" + (repaired > 0 ? ", \(repaired) repaired" : "")
    }

    enum CodingKeys: String, CodingKey {
        case processed, granted, extended, revoked, review, retry, failed, skipped, incomplete, adopted, verified, repaired
        case dryRun, stale, callsByEndpoint, durationSeconds
    }

    /// Every field may be absent: summaries written before a field existed (daemon-status.json) still load.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func int(_ k: CodingKeys) throws -> Int { try c.decodeIfPresent(Int.self, forKey: k) ?? 0 }
        processed = try int(.processed); granted = try int(.granted); extended = try int(.extended)
        revoked = try int(.revoked); review = try int(.review); retry = try int(.retry); failed = try int(.failed)
        skipped = try int(.skipped); incomplete = try int(.incomplete)
        verified = try int(.verified); repaired = try int(.repaired); adopted = try int(.adopted)
        dryRun = try c.decodeIfPresent(Bool.self, forKey: .dryRun) ?? false
        stale = try c.decodeIfPresent(Bool.self, forKey: .stale) ?? false
        callsByEndpoint = try c.decodeIfPresent([String: Int].self, forKey: .callsByEndpoint) ?? [:]
        durationSeconds = try c.decodeIfPresent(Double.self, forKey: .durationSeconds) ?? 0
    }

    /// The run's exit code, from Core's one outcome table (`OutcomeStatus`).
    public var exitCode: Int32 { OutcomeStatus(self).exitCode }
}
