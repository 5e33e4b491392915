import Foundation

/// One run at a time for the whole daemon: the scheduler, `POST /sync` and the webhook worker all ask
/// here, and a request made while a sync is running joins it. The data-folder lock still guards
/// against other processes (a cron `sync`, the console's `S`): a run that finds it held is recorded
/// as `locked` and webhook work waits and tries again.
public actor RunCoordinator {
    let actions: AccessActions
    let confirmer: WebhookConfirmer
    let inbox: WebhookInbox
    let events: EventHub
    let dryRunAlways: Bool

    private var running: RunRecord?
    private var lastRun: RunRecord?
    private var lastSuccessAt: Date?
    private var consecutiveFailures = 0
    private var nextScheduledAt: Date?
    private var pendingSync: (id: Int, dryRun: Bool, trigger: String)?
    private var webhookWanted = false
    private var webhookRetryDelay: Duration = .zero
    private var webhookRetryScheduled = false
    private var nextId = 1
    private var accepting = true
    private var webhookCounts: [String: [String: Int]] = [:]
    private var runsByOutcome: [String: Int] = [:]
    private var drainWaiters: [CheckedContinuation<Bool, Never>] = []

    public init(actions: AccessActions, confirmer: WebhookConfirmer, inbox: WebhookInbox, events: EventHub, dryRunAlways: Bool) {
        self.actions = actions; self.confirmer = confirmer; self.inbox = inbox; self.events = events
        self.dryRunAlways = dryRunAlways
    }

    /// Starts a sync, or joins the one running or queued; returns the run id, nil once stopping.
    public func requestSync(dryRun: Bool, trigger: String) -> Int? {
        guard accepting else { return nil }
        let dry = dryRun || dryRunAlways
        if let r = running, r.kind == .sync, r.dryRun == dry { return r.id }
        if let p = pendingSync, p.dryRun == dry { return p.id }
        let id = nextId
        nextId += 1
        pendingSync = (id, dry, trigger)
        pump()
        return id
    }

    /// A delivery is in the inbox: work it when no run is going.
    public func webhookRecorded() {
        webhookWanted = true
        pump()
    }

    /// Counts a webhook outcome for `/status` and `/metrics`.
    public func count(webhook kind: WebhookDelivery.Kind, _ outcome: String) {
        webhookCounts[kind.rawValue, default: [:]][outcome, default: 0] += 1
    }

    public var isStopping: Bool { !accepting }

    public func setNextScheduled(_ date: Date?) { nextScheduledAt = date }

    public func snapshot() -> CoordinatorSnapshot {
        CoordinatorSnapshot(running: running, lastRun: lastRun, lastSuccessAt: lastSuccessAt,
                            consecutiveFailures: consecutiveFailures, nextScheduledAt: nextScheduledAt,
                            webhookPending: inbox.pendingCount, webhookCounts: webhookCounts, runsByOutcome: runsByOutcome)
    }

    /// Takes no more work and waits up to `bound` for the running run (its writes journaled, its locks
    /// released). True when nothing is left running.
    public func stop(bound: Duration) async -> Bool {
        accepting = false
        pendingSync = nil
        guard running != nil else { return true }
        actions.engine.requestStop()
        events.emit(.notice, .daemonDraining, "waiting up to \(bound) for the running \(running!.kind.rawValue) run")
        return await withCheckedContinuation { continuation in
            drainWaiters.append(continuation)
            Task { [weak self] in
                try? await Task.sleep(for: bound)
                await self?.resumeWaiters(false)
            }
        }
    }

    private func resumeWaiters(_ value: Bool) {
        let waiters = drainWaiters
        drainWaiters = []
        for w in waiters { w.resume(returning: value) }
    }

    // MARK: running

    private func pump() {
        guard running == nil, accepting else { return }
        if let p = pendingSync {
            pendingSync = nil
            let record = RunRecord(id: p.id, kind: .sync, trigger: p.trigger, dryRun: p.dryRun, startedAt: Date())
            running = record
            let actions = self.actions
            Task {
                let done = await Self.sync(record, actions: actions)
                self.finished(done)
            }
        } else if webhookWanted, !webhookRetryScheduled {
            webhookWanted = false
            guard inbox.pendingCount > 0 else { return }
            let record = RunRecord(id: nextId, kind: .webhooks, trigger: "webhook", dryRun: dryRunAlways, startedAt: Date())
            nextId += 1
            running = record
            // Webhook purchases are recorded as the webhook's writes, not the daemon's own runs.
            let (actions, confirmer, inbox) = (self.actions.acting(as: ActorName.webhook), self.confirmer, self.inbox)
            Task {
                let (done, keptBack, tallies) = await Self.webhooks(record, actions: actions, confirmer: confirmer, inbox: inbox)
                self.finished(done, webhooksKeptBack: keptBack, tallies: tallies)
            }
        }
    }

    private func finished(_ record: RunRecord, webhooksKeptBack: Bool = false, tallies: [(WebhookDelivery.Kind, String)] = []) {
        running = nil
        for (kind, outcome) in tallies { count(webhook: kind, outcome) }
        lastRun = record
        let outcome = record.outcome ?? .done
        runsByOutcome["\(record.kind.rawValue)/\(outcome.rawValue)", default: 0] += 1
        switch outcome {
        case .done:
            consecutiveFailures = 0
            if !record.dryRun { lastSuccessAt = record.finishedAt }
        case .failed: consecutiveFailures += 1
        case .stale, .locked: break
        }
        events.emit(outcome == .done ? .info : .warning, .daemonRun, "\(record.kind.rawValue) run \(record.id): \(outcome.rawValue)",
                    fields: ["run": "\(record.id)", "kind": record.kind.rawValue, "outcome": outcome.rawValue,
                             "trigger": record.trigger])
        if record.kind == .webhooks {
            if webhooksKeptBack { scheduleWebhookRetry() } else { webhookRetryDelay = .zero }
            if inbox.pendingCount > 0 && !webhooksKeptBack { webhookWanted = true }
        }
        if !accepting { resumeWaiters(true); return }
        pump()
    }

    /// Work that could not be settled (WordPress down, lock held elsewhere) is tried again, backing off to a minute.
    private func scheduleWebhookRetry() {
        webhookRetryDelay = webhookRetryDelay == .zero ? .milliseconds(500) : min(webhookRetryDelay * 2, .seconds(60))
        webhookRetryScheduled = true
        let delay = webhookRetryDelay
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            await self?.retryWebhooksNow()
        }
    }

    private func retryWebhooksNow() {
        webhookRetryScheduled = false
        webhookWanted = true
        pump()
    }

    private static func sync(_ start: RunRecord, actions: AccessActions) async -> RunRecord {
        var record = start
        do {
            let summary = try await actions.sync(dryRun: record.dryRun)
            record.summary = summary
            record.outcome = summary.stale ? .stale : summary.failed > 0 ? .failed : .done
        } catch let ActionError.syncRunning(pid) {
            record.outcome = .locked
            record.error = "another process holds the sync lock" + (pid.map { " (pid \($0))" } ?? "")
        } catch {
            record.outcome = .failed
            record.error = String(describing: error)
        }
        record.finishedAt = Date()
        return record
    }

    /// Confirms pending deliveries and applies the confirmed purchases in one engine run. Returns the
    /// record, whether some deliveries were kept back to try again, and each settled delivery's outcome.
    private static func webhooks(_ start: RunRecord, actions: AccessActions, confirmer: WebhookConfirmer,
                                 inbox: WebhookInbox) async -> (RunRecord, Bool, [(WebhookDelivery.Kind, String)]) {
        var record = start
        let entries = Array(inbox.pendingEntries().prefix(500))
        let checked = await confirmer.confirm(entries)
        var keptBack = !checked.retry.isEmpty
        var tallies: [(WebhookDelivery.Kind, String)] = []
        for (outcome, settled) in checked.settled {
            inbox.markDone(settled.map(\.seq), outcome: outcome)
            tallies += settled.map { ($0.kind, outcome) }
        }
        record.outcome = .done
        if !checked.transactions.isEmpty {
            do {
                let summary = try await actions.apply(transactions: checked.transactions, dryRun: record.dryRun)
                record.summary = summary
                record.outcome = summary.stale ? .stale : summary.failed > 0 ? .failed : .done
                inbox.markDone(checked.toApply.map(\.seq), outcome: "applied")
                tallies += checked.toApply.map { ($0.kind, "applied") }
            } catch let ActionError.syncRunning(pid) {
                record.outcome = .locked
                record.error = "another process holds the sync lock" + (pid.map { " (pid \($0))" } ?? "")
                keptBack = true
            } catch {
                record.outcome = .failed
                record.error = String(describing: error)
                keptBack = true
            }
        }
        record.finishedAt = Date()
        return (record, keptBack, tallies)
    }
}
