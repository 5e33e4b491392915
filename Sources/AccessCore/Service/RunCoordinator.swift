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
    /// A command handed in (a customer's fix) is being performed: no run starts until it is done.
    private var commandRunning = false
    /// Commands waiting for their turn go before the next run (a run can be asked for again and again).
    private var commandsWaiting = 0
    private var idleWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0

    public init(actions: AccessActions, confirmer: WebhookConfirmer, inbox: WebhookInbox, events: EventHub) {
        self.actions = actions; self.confirmer = confirmer; self.inbox = inbox; self.events = events
    }

    /// The mode a run starts in: the process's policy (config's `scheduler.dry_run`, the daemon's
    /// `--dry-run`), raised by a request's own `dry_run`.
    private func dryRun(_ requested: Bool) -> Bool { actions.modes.current.admitting(dryRun: requested).dryRun }

    /// Starts a sync, or joins the one running or queued; returns the run id, nil once stopping.
    public func requestSync(dryRun: Bool, trigger: String) -> Int? {
        guard accepting else { return nil }
        let dry = self.dryRun(dryRun)
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

    /// Performs one command between runs: it waits behind the run going (never longer than `bound`), and
    /// no run starts while it is performed. Another process holding the lock (a cron `sync`) is waited
    /// out the same way, with a short backoff. Past `bound` the outcome is `busy`.
    public func perform(_ command: AccessCommand, with actions: AccessActions, within bound: Duration) async -> Outcome {
        let clock = ContinuousClock()
        let deadline = clock.now + bound
        var backoff = Duration.milliseconds(100)
        while true {
            guard accepting else { return busyOutcome(actions) }
            commandsWaiting += 1
            while running != nil || commandRunning {
                guard clock.now < deadline, accepting else {
                    commandsWaiting -= 1
                    pump()
                    return busyOutcome(actions)
                }
                await idle(until: deadline)
            }
            commandsWaiting -= 1
            commandRunning = true
            let outcome = await actions.perform(command)
            commandRunning = false
            resumeIdle()
            pump()
            guard outcome.status == .busy, clock.now + backoff < deadline else { return outcome }
            // Held by another process: nothing here tells when it lets go.
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(2))
        }
    }

    private func busyOutcome(_ actions: AccessActions) -> Outcome {
        .refused(.syncRunning(pid: nil), dryRun: actions.modes.current.dryRun)
    }

    /// Suspends until the coordinator is idle (a run or command finished) or `deadline` passes.
    private func idle(until deadline: ContinuousClock.Instant) async {
        let id = nextWaiter
        nextWaiter += 1
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            idleWaiters[id] = c
            Task { [weak self] in
                try? await Task.sleep(until: deadline)
                await self?.resumeIdle(id)
            }
        }
    }

    private func resumeIdle(_ id: Int? = nil) {
        if let id { idleWaiters.removeValue(forKey: id)?.resume(); return }
        let waiters = idleWaiters
        idleWaiters = [:]
        for w in waiters.values { w.resume() }
    }

    private func pump() {
        guard running == nil, !commandRunning, commandsWaiting == 0, accepting else { return }
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
            let record = RunRecord(id: nextId, kind: .webhooks, trigger: "webhook", dryRun: dryRun(false), startedAt: Date())
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
        resumeIdle()
        for (kind, outcome) in tallies { count(webhook: kind, outcome) }
        lastRun = record
        let outcome = record.outcome ?? .done
        runsByOutcome["\(record.kind.rawValue)/\(outcome.metricLabel)", default: 0] += 1
        // The failed-runs alert counts what the CLI's exit code calls a failure: partial runs too.
        // A stale session has its own alert; a lock held elsewhere or a refusal is not the run's fault.
        switch outcome {
        case .done, .queued:
            consecutiveFailures = 0
            if !record.dryRun { lastSuccessAt = record.finishedAt }
        case .partial, .failed: consecutiveFailures += 1
        case .stale, .busy, .invalid, .readOnly: break
        }
        events.emit(outcome.isSuccess ? .info : .warning, .daemonRun,
                    "\(record.kind.rawValue) run \(record.id): \(outcome.metricLabel): \(outcome.sentence)",
                    fields: ["run": "\(record.id)", "kind": record.kind.rawValue, "outcome": outcome.metricLabel,
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
        record.take(await actions.perform(.sync, dryRun: record.dryRun))
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
            record.take(await actions.perform(.apply(transactions: checked.transactions), dryRun: record.dryRun))
            if record.summary != nil {
                inbox.markDone(checked.toApply.map(\.seq), outcome: "applied")
                tallies += checked.toApply.map { ($0.kind, "applied") }
            } else {
                keptBack = true
            }
        }
        record.finishedAt = Date()
        return (record, keptBack, tallies)
    }
}
