import AccessCore
import Foundation
import Synchronization

/// The real console services: every call goes to the AppRuntime's Actions and SessionManager.
/// The modes live here and nowhere else: dry run (it starts as config's `scheduler.dry_run`, and is
/// passed to every write) and read-only (every write is refused). The console shows what this reports.
public final class RuntimeServices: ConsoleServices {
    public let runtime: AppRuntime
    private let modes: Mutex<ModeReport>

    public init(runtime: AppRuntime, readOnly: Bool = false) {
        self.runtime = runtime
        modes = Mutex(ModeReport(dryRun: runtime.config.scheduler.dryRun, readOnly: readOnly, version: 1))
    }

    /// The dry-run flag for a write; throws when the services are read-only.
    private var dryRun: Bool {
        get throws {
            let m = modes.withLock { $0 }
            if m.readOnly { throw RuntimeServiceError.readOnly }
            return m.dryRun
        }
    }
    private var actions: AccessActions { runtime.actions }

    private func title(_ script: String) -> String { runtime.config.title(ofScript: script) ?? script }

    public func loadOverview() async throws -> ConsoleSnapshot {
        // Modes first: a report is as old as its oldest part.
        let modes = self.modes.withLock { $0 }
        let (scripts, unreadable) = runtime.loadSummaries()
        return ConsoleSnapshot(configPath: runtime.configPath, scripts: scripts, unreadable: unreadable,
                               session: RuntimeSummaries.session(runtime.session.status()), modes: modes,
                               others: await otherProcesses())
    }

    /// This process's runs show through their events; the lock file tells of other processes', and the
    /// daemon's status file of a daemon.
    public func otherProcesses() async -> OtherProcesses {
        let own = ProcessInfo.processInfo.processIdentifier
        let holder = RunLock.holder(directory: runtime.masterDataDirectory).flatMap { $0 == own ? nil : $0 }
        let daemon = DaemonStatusFile.read(directory: runtime.masterDataDirectory).flatMap { $0.isRunning && $0.pid != own ? $0 : nil }
        let drifted = AuditReport.read(directory: runtime.masterDataDirectory)?.drifted ?? [:]
        return OtherProcesses(lockHolder: holder, daemon: daemon, drifted: drifted.filter { !$0.value.isEmpty })
    }

    public func validate(_ name: String) async throws -> String? {
        do { return try await actions.validate(name).canonical } catch ActionError.invalidUsername { return nil }
    }

    public func grant(script: String, user: String, term: AccessTerm) async throws -> String {
        let report = try await actions.grant(script: script, user: user, term: term, dryRun: try dryRun)
        return RuntimeSummaries.action(.grant, term: term, reports: [report], script: title(script))
    }

    public func extend(script: String, users: [String], term: AccessTerm) async throws -> String {
        let reports = try await actions.extend(script: script, users: users, term: term, dryRun: try dryRun)
        return RuntimeSummaries.action(.extend, term: term, reports: reports, script: title(script))
    }

    public func revoke(script: String, users: [String]) async throws -> String {
        let reports = try await actions.revoke(script: script, users: users, dryRun: try dryRun)
        return RuntimeSummaries.action(.revoke, term: nil, reports: reports, script: title(script))
    }

    public func resyncPreview(script: String) async throws -> ResyncDiff {
        RuntimeSummaries.diff(try await actions.resync(script: script, apply: false, dryRun: true))
    }

    public func resyncApply(script: String) async throws -> String {
        let dryRun = try self.dryRun
        let diff = try await actions.resync(script: script, apply: true, dryRun: dryRun)
        return RuntimeSummaries.resyncApplied(diff, script: title(script), dryRun: dryRun)
    }

    public func syncNow(dryRun shown: Bool) async throws -> String {
        let dryRun = try self.dryRun
        guard dryRun == shown else { throw RuntimeServiceError.modeChanged(dryRun: dryRun) }
        return RuntimeSummaries.sync(try await actions.sync(dryRun: dryRun))
    }

    public func previewFirstRun() async throws -> FirstRunPlan {
        FirstRunPlan(try await actions.sync(dryRun: true))
    }

    public func setDryRun(_ on: Bool) async throws -> ModeReport {
        try modes.withLock { m in
            if m.readOnly { throw RuntimeServiceError.readOnly }
            if m.dryRun != on { m.dryRun = on; m.version += 1 }
            return m
        }
    }

    public func retryNow(script: String, id: String) async throws -> String {
        RuntimeSummaries.retry(try await actions.retryNow(script: script, id: id, dryRun: try dryRun), what: "retry \(id)")
    }

    public func dropRetry(script: String, id: String) async throws -> String {
        let dryRun = try self.dryRun
        try await actions.dropRetry(script: script, id: id, dryRun: dryRun)
        return (dryRun ? "dry run: would drop" : "dropped") + " retry \(id) on \(title(script))"
    }

    public func retryAll() async throws -> String {
        RuntimeSummaries.retry(try await actions.retryAll(script: nil, dryRun: try dryRun), what: "retry all")
    }

    public func resolveReview(script: String, id: String, newName: String) async throws -> String {
        let report = try await actions.resolveReview(script: script, id: id, newName: newName, dryRun: try dryRun)
        return RuntimeSummaries.single(.grant, term: nil, report, script: title(script)) + " (review \(id) resolved)"
    }

    public func dismissReview(script: String, id: String, reason: String) async throws -> String {
        let dryRun = try self.dryRun
        try await actions.dismissReview(script: script, id: id, reason: reason, dryRun: dryRun)
        return dryRun ? "dry run: review \(id) would be dismissed; nothing changed" : "review \(id) dismissed"
    }

    public func resendReviewEmail(script: String, id: String) async throws {
        if try dryRun { throw RuntimeServiceError.dryRun("the email for review \(id) was not sent") }
        try await actions.resendReviewEmail(script: script, id: id)
    }

    public func testSession() async throws -> SessionStatusInfo {
        RuntimeSummaries.session(await runtime.session.test())
    }

    public func setCookies(sessionid: String, sessionidSign: String) async throws -> SessionStatusInfo {
        _ = try dryRun   // read-only refuses; dry run still saves: the session is not a customer's access
        return RuntimeSummaries.session(try await runtime.session.set(sessionid: sessionid, sessionidSign: sessionidSign))
    }

    public func userStory(script: String, username: String) async throws -> UserStory? {
        runtime.userStories(username: username, script: script).first
    }

    /// This process's events live, other processes' from the log file, after the last 200 lines of it.
    public func events() -> AsyncStream<AccessEvent> {
        let live = runtime.events.subscribe()
        let tailer = LogTailer(path: runtime.logFile.path)
        let recent = tailer.recent(200)
        let others = tailer.follow()
        return AsyncStream { continuation in
            for e in recent { continuation.yield(e) }
            let pumps = [live, others].map { stream in
                Task { for await e in stream { continuation.yield(e) } }
            }
            continuation.onTermination = { _ in pumps.forEach { $0.cancel() } }
        }
    }
}

public enum RuntimeServiceError: Error, Sendable, CustomStringConvertible {
    /// A write that Actions cannot rehearse, refused while dry run is on.
    case dryRun(String)
    case readOnly
    /// The console asked for a mode other than the one in force; nothing was done.
    case modeChanged(dryRun: Bool)
    public var description: String {
        switch self {
        case .dryRun(let what): return "dry run: \(what); press d to go live first"
        case .readOnly: return "read-only: this console makes no changes (started with --read-only)"
        case .modeChanged(let dry): return "nothing done: the mode is \(dry ? "dry run" : "live") now; check the header and press the key again"
        }
    }
}
