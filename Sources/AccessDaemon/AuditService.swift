import AccessCore
import Foundation
import ServiceLifecycle

/// The scheduled audit (`scheduler.audit_hours`, default 24, fractions allowed, 0 = off; first one interval
/// after start): every script's whole TradingView list against master data (`AccessActions.audit`). Drift is
/// reported (`audit.drift`, `/status`, the `audit_drift` alert, the console's Users pane through
/// `masterData/.audit.json`) and repaired per `audit.repair` through the retry queue: when repairs were
/// queued the watch asks the coordinator for a sync (trigger `audit`), which sends and reads them back.
struct AuditService: Service {
    let runtime: AppRuntime
    let coordinator: RunCoordinator
    let every: Duration
    let repair: AuditConfig.Repair
    let board: AuditBoard

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await loop() }
    }

    private func loop() async throws {
        if let last = AuditReport.read(directory: runtime.masterDataDirectory) { board.finished(last) }
        while !Task.isCancelled {
            board.scheduled(Date().addingTimeInterval(SessionWatchService.seconds(every)))
            try await Task.sleep(for: every)
            // Core's mode decides whether repairs are queued (config's dry_run, the daemon's --dry-run).
            guard var report = await runtime.actions.perform(.audit(repair: repair)).audit else { continue }
            report.nextAt = Date().addingTimeInterval(SessionWatchService.seconds(every))
            do { try report.write(directory: runtime.masterDataDirectory) } catch {
                runtime.events.emit(.warning, .auditFailed, "audit report not saved (\(AuditReport.fileName)): \(error)")
            }
            board.finished(report)
            if report.repairsQueued > 0 { _ = await coordinator.requestSync(dryRun: false, trigger: "audit") }
        }
    }

    /// `scheduler.audit_hours` as a duration; nil when the audit is off (0).
    static func interval(_ config: SchedulerConfig) -> Duration? {
        let hours = config.auditHours ?? SchedulerConfig.defaultAuditHours
        guard hours > 0 else { return nil }
        return .milliseconds(Int64((hours * 3_600_000).rounded(.up)))
    }
}

/// The last audit and the next, for `/status` and the alerts.
final class AuditBoard: Sendable {
    struct Entry: Sendable { var last: AuditReport?; var next: Date? }
    private let entry = Locked(Entry())

    func scheduled(_ next: Date) { entry.withLock { $0.next = next } }
    func finished(_ report: AuditReport) { entry.withLock { $0.last = report } }
    var current: Entry { entry.withLock { $0 } }

    /// `/status`'s `audit` object.
    func json() -> [String: Any] {
        let e = current
        var out: [String: Any] = ["next_at": Reply.iso(e.next), "last_at": Reply.iso(e.last?.finishedAt)]
        if let r = e.last {
            out["repair"] = r.repair.rawValue
            out["drift"] = Dictionary(uniqueKeysWithValues: AuditDrift.Kind.allCases.map { ($0.rawValue, r.count($0)) })
            out["repairs_queued"] = r.repairsQueued
            out["unrepaired"] = r.unrepaired
            out["scripts_failed"] = r.failedScripts
        }
        return out
    }
}
