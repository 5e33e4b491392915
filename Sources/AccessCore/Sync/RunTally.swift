import Foundation

/// The counters of one run, shared by its concurrent tasks; emits the run's progress as work completes.
actor RunTally {
    enum Counter: Sendable { case processed, granted, extended, revoked, review, retry, failed, skipped, incomplete, adopted, verified, repaired }

    private(set) var summary: SyncSummary
    private(set) var stale = false
    private(set) var storeFailures: Set<String> = []
    private var progress: RunProgress
    private let started = Date()
    private let events: EventHub

    init(_ run: RunProgress, events: EventHub) {
        self.summary = SyncSummary(dryRun: run.dryRun); self.progress = run; self.events = events
    }

    func add(_ counter: Counter, _ n: Int = 1) {
        switch counter {
        case .processed: summary.processed += n
        case .granted: summary.granted += n
        case .extended: summary.extended += n
        case .revoked: summary.revoked += n
        case .review: summary.review += n
        case .retry: summary.retry += n
        case .failed: summary.failed += n
        case .skipped: summary.skipped += n
        case .incomplete: summary.incomplete += n
        case .adopted: summary.adopted += n
        case .verified: summary.verified += n
        case .repaired: summary.repaired += n
        }
    }

    /// The writes TradingView answered ok this run, in the order they were answered: what read-back checks.
    private(set) var written: [WrittenAccess] = []

    func wrote(_ w: WrittenAccess) { written.append(w) }

    /// The writes answered ok since the last call: each read-back round checks its own.
    func takeWritten() -> [WrittenAccess] { defer { written = [] }; return written }

    private var lastProgress: Date?

    func expect(_ steps: Int) { progress.total += steps }

    /// One planned step finished: a write (whatever its outcome) or a review item. Reported at most
    /// ten times a second (and always for the last step): a progress line per write would be most of
    /// the log and of the run's own work.
    func stepDone() {
        progress.done += 1
        let now = Date()
        if progress.done < progress.total, let last = lastProgress, now.timeIntervalSince(last) < 0.1 { return }
        lastProgress = now
        let s = summary
        progress.granted = s.granted; progress.extended = s.extended; progress.review = s.review
        progress.retry = s.retry; progress.failed = s.failed
        let minutes = now.timeIntervalSince(started) / 60
        progress.ratePerMinute = minutes > 0 ? Double(progress.done) / minutes : nil
        events.emit(.runProgress(progress))
    }

    /// True only for the first caller: the session is reported stale once per run.
    func markStale() -> Bool {
        defer { stale = true; summary.stale = true }
        return !stale
    }

    /// Master data of the script could not record something: that work is not done and not queued.
    func storeFailed(_ scriptId: String) { storeFailures.insert(scriptId); summary.incomplete += 1 }
}

/// Sends each address at most one invalid-username email per run, even from concurrent tasks, and each
/// purchase at most one ever when a `SentMailFile` is given.
actor MailLedger {
    enum Outcome: Sendable { case sent, alreadySent, failed }
    private var sent: [String: Task<Bool, Never>] = [:]
    private let file: SentMailFile?

    init(file: SentMailFile? = nil) { self.file = file }

    /// Whether the address got (or already had, this run) its email for `transactionId`.
    func once(to address: String, transaction transactionId: String, _ send: @escaping @Sendable () async -> Bool) async -> Outcome {
        if let file, file.contains(transactionId) { return .alreadySent }
        let key = address.lowercased()
        if let t = sent[key] { return await t.value ? .sent : .failed }
        let file = self.file
        let t = Task {
            do { try file?.record(transactionId) } catch { return false }
            let ok = await send()
            if !ok { try? file?.record(transactionId, sent: false) }
            return ok
        }
        sent[key] = t
        return await t.value ? .sent : .failed
    }
}
