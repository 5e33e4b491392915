import Foundation

/// Which kind of engine run an event belongs to.
public enum RunKind: String, Sendable, Hashable {
    /// A full sync: WordPress read, plan, writes.
    case sync
    /// A retry pass over queued writes (console `r`/`A`, `queue retry`).
    case retry
    /// Purchases the daemon's webhooks announced and WordPress confirmed.
    case webhook
    /// A batch of a vendor's transaction dump (`batch-grant`).
    case batch
    /// The writes of `resync --apply` (console `s`).
    case resync
}

/// Progress of one engine run, as its `runStart` and `runProgress` events carry it. The counts only
/// grow within a run, so `done` orders the reports of one run.
public struct RunProgress: Sendable, Equatable {
    /// Names the run: every event of one run carries the same id.
    public var run: String
    public var kind: RunKind
    public var dryRun: Bool
    public var done = 0, total = 0, granted = 0, extended = 0, review = 0, retry = 0, failed = 0
    /// Steps per minute since the run started; nil until a step is done.
    public var ratePerMinute: Double?

    public init(run: String, kind: RunKind, dryRun: Bool, done: Int = 0, total: Int = 0, granted: Int = 0,
                extended: Int = 0, review: Int = 0, retry: Int = 0, failed: Int = 0, ratePerMinute: Double? = nil) {
        self.run = run; self.kind = kind; self.dryRun = dryRun; self.done = done; self.total = total
        self.granted = granted; self.extended = extended; self.review = review; self.retry = retry
        self.failed = failed; self.ratePerMinute = ratePerMinute
    }

    var fields: [String: String] {
        var f = ["run": run, "kind": kind.rawValue, "dryRun": "\(dryRun)", "done": "\(done)", "total": "\(total)",
                 "granted": "\(granted)", "extended": "\(extended)", "review": "\(review)", "retry": "\(retry)",
                 "failed": "\(failed)"]
        if let r = ratePerMinute { f["ratePerMinute"] = String(format: "%.1f", r) }
        return f
    }

    init?(fields f: [String: String]) {
        guard let run = f["run"], let kind = f["kind"].flatMap(RunKind.init(rawValue:)) else { return nil }
        func int(_ k: String) -> Int { f[k].flatMap { Int($0) } ?? 0 }
        self.init(run: run, kind: kind, dryRun: f["dryRun"] == "true", done: int("done"), total: int("total"),
                  granted: int("granted"), extended: int("extended"), review: int("review"), retry: int("retry"),
                  failed: int("failed"), ratePerMinute: f["ratePerMinute"].flatMap { Double($0) })
    }
}

/// The end of a run: which run, and its summary.
public struct RunEnd: Sendable, Equatable {
    public var run: String
    public var kind: RunKind
    public var summary: SyncSummary
}

extension AccessEvent {
    public static func runStart(_ p: RunProgress) -> AccessEvent {
        AccessEvent(level: .info, kind: .runStart,
                    message: "\(p.kind.rawValue) started\(p.dryRun ? " (dry run)" : "")", fields: p.fields)
    }

    public static func runProgress(_ p: RunProgress) -> AccessEvent {
        AccessEvent(level: .info, kind: .runProgress, message: "\(p.done)/\(p.total)", fields: p.fields)
    }

    public static func runDone(run: String, kind: RunKind, _ s: SyncSummary) -> AccessEvent {
        let outcome = s.stale ? "stopped: TradingView session stale" : "done"
        return AccessEvent(level: s.stale ? .warning : .notice, kind: .runDone,
                           message: "\(kind.rawValue) \(outcome): \(s.granted) granted, \(s.extended) extended, \(s.review) to review, \(s.retry) to retry"
                               + (s.verified + s.repaired > 0 ? "; \(s.verified) verified on TradingView, \(s.repaired) repaired" : ""),
                           fields: ["run": run, "kind": kind.rawValue, "processed": "\(s.processed)", "granted": "\(s.granted)",
                                    "extended": "\(s.extended)", "revoked": "\(s.revoked)", "review": "\(s.review)",
                                    "retry": "\(s.retry)", "failed": "\(s.failed)", "skipped": "\(s.skipped)",
                                    "verified": "\(s.verified)", "repaired": "\(s.repaired)",
                                    "dryRun": "\(s.dryRun)", "stale": "\(s.stale)",
                                    "durationSeconds": String(format: "%.3f", s.durationSeconds)])
    }

    /// The progress this event reports, for `runStart` and `runProgress` events.
    public var runProgress: RunProgress? {
        guard kind == .runStart || kind == .runProgress else { return nil }
        return RunProgress(fields: fields)
    }

    /// The run this event ended, for `runDone` and `runFailed` events (a failure may name no run:
    /// it happened before the run started).
    public var runEnd: RunEnd? {
        guard kind.endsRun else { return nil }
        let f = fields
        func int(_ k: String) -> Int { f[k].flatMap { Int($0) } ?? 0 }
        var s = SyncSummary(dryRun: f["dryRun"] == "true")
        s.processed = int("processed"); s.granted = int("granted"); s.extended = int("extended")
        s.revoked = int("revoked"); s.review = int("review"); s.retry = int("retry"); s.failed = int("failed")
        s.skipped = int("skipped"); s.stale = f["stale"] == "true"
        s.verified = int("verified"); s.repaired = int("repaired")
        s.durationSeconds = f["durationSeconds"].flatMap { Double($0) } ?? 0
        return RunEnd(run: f["run"] ?? "", kind: f["kind"].flatMap(RunKind.init(rawValue:)) ?? .sync, summary: s)
    }
}
