import AccessCore
import Foundation
import ServiceLifecycle

/// Holds the run coordinator open until shutdown, then lets the running run finish (bounded).
struct CoordinatorService: Service {
    let coordinator: RunCoordinator
    let bound: Duration
    let events: EventHub

    func run() async throws {
        try? await gracefulShutdown()
        let drained = await coordinator.stop(bound: bound)
        events.emit(drained ? .notice : .warning, .daemonStopped,
                    drained ? "stopped: no run left going" : "stopped: the running run did not finish within \(bound); its open intents are settled on the next start")
    }
}

/// Asks for a sync every `scheduler.interval_minutes` (and once at start).
struct SchedulerService: Service {
    let coordinator: RunCoordinator
    let interval: Duration
    let syncAtStart: Bool

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            if syncAtStart { _ = await coordinator.requestSync(dryRun: false, trigger: "schedule") }
            while !Task.isCancelled {
                let seconds = Double(interval.components.seconds)
                await coordinator.setNextScheduled(Date().addingTimeInterval(seconds))
                try await Task.sleep(for: interval)
                _ = await coordinator.requestSync(dryRun: false, trigger: "schedule")
            }
        }
    }
}

/// Without webhooks a purchase would wait for the next interval: every `scheduler.poll_seconds` one small
/// MemberPress call (`WordPressClient.newestSignature`) shows whether anything was bought, and a change asks
/// for a sync at once. Idle, that is one WordPress call per period.
struct PollService: Service {
    let coordinator: RunCoordinator
    let wordpress: WordPressClient
    let period: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var last = try? await wordpress.newestSignature()
            while !Task.isCancelled {
                try await Task.sleep(for: period)
                // A failed probe changes nothing: the interval's sync still runs and reports WordPress errors.
                guard let signature = try? await wordpress.newestSignature() else { continue }
                if let previous = last, previous != signature {
                    _ = await coordinator.requestSync(dryRun: false, trigger: "poll")
                }
                last = signature
            }
        }
    }
}

/// Looks at the alert conditions every `check` and sends what the monitor decides.
struct AlertService: Service {
    let runtime: AppRuntime
    let coordinator: RunCoordinator
    let sender: AlertSender
    let queues: QueueSizes
    let config: AlertsConfig
    let check: Duration
    let clock: ServiceClock
    var audit = AuditBoard()
    /// The session's recovery notice says queued grants go out on the next run: without the session watch
    /// (which asks for that run itself when it sees the session whole again) nothing else would start one
    /// before the scheduler's interval, so this service asks for it.
    let runOnSessionRecovery: Bool

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await loop() }
    }

    private func loop() async throws {
        var monitor = AlertMonitor(config: config)
        while !Task.isCancelled {
            // Cookies pasted by `cookies set` in another process: redacted here too from now on.
            if let cookies = runtime.session.vault.currentCookies() {
                runtime.redactor.register(cookies.sessionid)
                runtime.redactor.register(cookies.sessionidSign)
            }
            let now = clock.now()
            let snapshot = await coordinator.snapshot()
            let staleAfter = monitor.reviewStaleHours * 3600
            let counts = queues.counts()
            let staleReviews = counts.reviewCreated.filter { now.timeIntervalSince($0) > staleAfter }.count
            let observation = AlertMonitor.Observation(sessionStale: !runtime.session.status().isUsable,
                                                       failedRunsInARow: snapshot.consecutiveFailures, staleReviews: staleReviews,
                                                       unverifiedWrites: counts.unverified,
                                                       auditDrift: audit.current.last.map { $0.scripts.reduce(0) { $0 + $1.drift.count } } ?? 0)
            for notice in monitor.evaluate(observation, now: now) {
                if runOnSessionRecovery, notice.kind == .sessionStale, notice.phase == .recovered {
                    _ = await coordinator.requestSync(dryRun: false, trigger: "session")
                }
                await sender.send(notice)
            }
            try await Task.sleep(for: check)
        }
    }
}
