import Foundation

/// How a command went, in the one vocabulary every front end maps from: the CLI's exit code, the
/// daemon's HTTP status and metric label, the alerts' idea of a failed run, the console's status line.
/// The table in docs/ARCHITECTURE.md ("Outcomes") is this type; `OutcomeTableTests` keeps it true.
public enum OutcomeStatus: String, CaseIterable, Codable, Sendable {
    /// Everything asked for was done (or, in a dry run, would be).
    case done
    /// Done, and some work waits in the retry or review queue (a temporary failure, an invalid name).
    case queued
    /// Some of the work could not be done and no queue holds it (WordPress or a list unreachable, master
    /// data unwritable): the next run tries again.
    case partial
    /// Refused: the input is wrong (unknown script or user, bad term, no such queue item).
    case invalid
    /// Refused: the TradingView session is stale or there are no usable cookies; work kept queued.
    case stale
    /// Refused: another process holds the sync lock or the script's master data.
    case busy
    /// Refused: the mode forbids writes (a read-only console; going live while config pins dry run).
    case readOnly = "read_only"
    /// Nothing was done and nothing queued it: a service unreachable, master data damaged.
    case failed

    /// Old status files wrote `locked` for `busy`.
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        self = raw == "locked" ? .busy : OutcomeStatus(rawValue: raw) ?? .failed
    }

    /// Refusals did nothing because something must change first (input, session, lock, mode).
    public var isRefusal: Bool { [.invalid, .stale, .busy, .readOnly].contains(self) }
    /// The run did what it could: alerts count anything else as a failed run.
    public var isSuccess: Bool { self == .done || self == .queued }

    /// The CLI's exit code (README "Exit codes").
    public var exitCode: Int32 {
        switch self {
        case .done: return 0
        case .queued: return 1
        case .invalid, .readOnly: return 2
        case .stale: return 3
        case .busy: return 4
        case .partial, .failed: return 5
        }
    }

    /// The daemon's answer when a request's own command ends this way (fix pages, `POST /sync?wait`).
    public var httpStatus: Int {
        switch self {
        case .done: return 200
        case .queued: return 202
        case .partial: return 502
        case .invalid: return 422
        case .stale: return 503
        case .busy: return 409
        case .readOnly: return 403
        case .failed: return 500
        }
    }

    /// The `outcome` label of `accessconsole_runs_total` and of `/status`.
    public var metricLabel: String { rawValue }

    /// What a person reads (CLI stderr, console status line, the run's event).
    public var sentence: String {
        switch self {
        case .done: return "done"
        case .queued: return "done; some work waits in the retry or review queue"
        case .partial: return "done in part: some work could not be done and no queue holds it; the next run tries again"
        case .invalid: return "refused: the input is wrong"
        case .stale: return "refused: TradingView session stale or no usable cookies; work kept queued"
        case .busy: return "refused: another process holds the lock; try again when it is done"
        case .readOnly: return "refused: the mode forbids writes"
        case .failed: return "failed: nothing was done and nothing queued it"
        }
    }

    /// A run's status from its counts.
    public init(_ summary: SyncSummary) {
        if summary.stale { self = .stale }
        else if summary.incomplete > 0 { self = .partial }
        else if summary.review > 0 || summary.retry > 0 || summary.failed > 0 { self = .queued }
        else { self = .done }
    }

    /// A command's status from why it stopped.
    public init(_ error: ActionError) {
        switch error {
        case .sessionStale: self = .stale
        case .syncRunning, .scriptBusy: self = .busy
        case .refusedByMode: self = .readOnly
        case .unknownScript, .userNotFound, .invalidUsername, .retryNotFound, .reviewNotFound, .notConfigured, .cannotResolve:
            self = .invalid
        case .rejected, .remote, .store, .mail, .resyncIncomplete: self = .failed
        case .session(.rejected): self = .stale
        case .session(.emptyCookie): self = .invalid
        case .session(.vault): self = .failed
        }
    }
}

/// What one command did: its status, whether it was a dry run, the counts, and the payload front ends
/// show (a run's summary, each user's report, a resync diff).
public struct Outcome: Sendable {
    public var status: OutcomeStatus
    public var dryRun: Bool
    /// One line for a person: what was done (or would be), or why not. Outside text sanitized by the printer.
    public var message: String
    public var summary: SyncSummary?
    public var reports: [ActionReport]
    public var diff: ResyncDiff?
    public var batch: BatchGrantReport?
    public var rebuild: RebuildReport?
    public var audit: AuditReport?
    public var session: SessionStatus?
    public var error: ActionError?
    public var mode: ModePolicy?

    public init(status: OutcomeStatus, dryRun: Bool, message: String, summary: SyncSummary? = nil,
                reports: [ActionReport] = [], diff: ResyncDiff? = nil, error: ActionError? = nil) {
        self.status = status; self.dryRun = dryRun; self.message = message; self.summary = summary
        self.reports = reports; self.diff = diff; self.error = error
    }

    public static func refused(_ error: ActionError, dryRun: Bool) -> Outcome {
        Outcome(status: OutcomeStatus(error), dryRun: dryRun, message: error.description, error: error)
    }

    public var exitCode: Int32 { status.exitCode }
    public var httpStatus: Int { status.httpStatus }
}
