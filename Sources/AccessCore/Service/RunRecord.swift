import Foundation

/// One run the daemon started (a sync, or a batch of confirmed webhook purchases), as `/status` shows it.
public struct RunRecord: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable { case sync, webhooks }
    /// How the run went, in the vocabulary of every command (`OutcomeStatus`): `/status`, `/metrics`
    /// and the failed-runs alert read it from here.
    public typealias Outcome = OutcomeStatus
    public var id: Int
    public var kind: Kind
    /// What asked for it: schedule, api, webhook.
    public var trigger: String
    public var dryRun: Bool
    public var startedAt: Date
    public var finishedAt: Date?
    public var outcome: Outcome?
    public var summary: SyncSummary?
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, trigger, summary, error, outcome
        case dryRun = "dry_run", startedAt = "started_at", finishedAt = "finished_at"
    }
}

/// What the run coordinator knows, for `/status`, `/metrics` and the alerts.
public struct CoordinatorSnapshot: Sendable {
    public var running: RunRecord?
    public var lastRun: RunRecord?
    public var lastSuccessAt: Date?
    public var consecutiveFailures: Int
    public var nextScheduledAt: Date?
    public var webhookPending: Int
    /// kind -> outcome -> count, since the process started.
    public var webhookCounts: [String: [String: Int]]
    public var runsByOutcome: [String: Int]
}

extension RunRecord {
    /// What `perform` said of the run: its status, counts, the error that stopped it, and the mode it
    /// really ran in (a pinned dry run makes a run the schedule asked to go live a dry one).
    mutating func take(_ result: AccessCore.Outcome) {
        outcome = result.status
        summary = result.summary
        error = result.error?.description
        dryRun = result.dryRun
    }
}
