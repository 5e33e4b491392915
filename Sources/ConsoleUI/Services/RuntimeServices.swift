import AccessCore
import Foundation
import Synchronization

/// The real console services: every call goes to the AppRuntime's Actions and SessionManager.
/// The dry-run switch lives here (it starts as config's `scheduler.dry_run`) and is passed to every write.
public final class RuntimeServices: ConsoleServices {
    public let runtime: AppRuntime
    private let dryRunFlag: Mutex<Bool>

    public init(runtime: AppRuntime) {
        self.runtime = runtime
        dryRunFlag = Mutex(runtime.config.scheduler.dryRun)
    }

    private var dryRun: Bool { dryRunFlag.withLock { $0 } }
    private var actions: AccessActions { runtime.actions }

    private func title(_ script: String) -> String { runtime.config.title(ofScript: script) ?? script }

    public func loadOverview() async throws -> ConsoleSnapshot {
        let scripts = try runtime.loadScripts()
        var progress: SyncProgress?
        // This process's own sync shows through its events; the lock file tells of other processes'.
        if let pid = RunLock.holder(directory: runtime.masterDataDirectory), pid != ProcessInfo.processInfo.processIdentifier {
            progress = SyncProgress(pid: pid)
        }
        return ConsoleSnapshot(configPath: runtime.configPath, scripts: scripts,
                               session: RuntimeSummaries.session(runtime.session.status()), dryRun: dryRun, sync: progress)
    }

    public func validate(_ name: String) async throws -> String? {
        do { return try await actions.validate(name).canonical } catch ActionError.invalidUsername { return nil }
    }

    public func grant(script: String, user: String, term: AccessTerm) async throws -> String {
        let report = try await actions.grant(script: script, user: user, term: term, dryRun: dryRun)
        return RuntimeSummaries.action(.grant, term: term, reports: [report], script: title(script))
    }

    public func extend(script: String, users: [String], term: AccessTerm) async throws -> String {
        let reports = try await actions.extend(script: script, users: users, term: term, dryRun: dryRun)
        return RuntimeSummaries.action(.extend, term: term, reports: reports, script: title(script))
    }

    public func revoke(script: String, users: [String]) async throws -> String {
        let reports = try await actions.revoke(script: script, users: users, dryRun: dryRun)
        return RuntimeSummaries.action(.revoke, term: nil, reports: reports, script: title(script))
    }

    public func resyncPreview(script: String) async throws -> ResyncDiff {
        RuntimeSummaries.diff(try await actions.resync(script: script, apply: false, dryRun: dryRun))
    }

    public func resyncApply(script: String) async throws -> String {
        let dryRun = self.dryRun
        let diff = try await actions.resync(script: script, apply: true, dryRun: dryRun)
        return RuntimeSummaries.resyncApplied(diff, script: title(script), dryRun: dryRun)
    }

    public func syncNow(dryRun: Bool) async throws -> String {
        return RuntimeSummaries.sync(try await actions.sync(dryRun: dryRun))
    }

    public func setDryRun(_ on: Bool) async throws { dryRunFlag.withLock { $0 = on } }

    public func retryNow(script: String, id: String) async throws -> String {
        RuntimeSummaries.retry(try await actions.retryNow(script: script, id: id, dryRun: dryRun), what: "retry \(id)")
    }

    public func dropRetry(script: String, id: String) async throws -> String {
        let dryRun = self.dryRun
        try await actions.dropRetry(script: script, id: id, dryRun: dryRun)
        return (dryRun ? "dry run: would drop" : "dropped") + " retry \(id) on \(title(script))"
    }

    public func retryAll(script: String) async throws -> String {
        RuntimeSummaries.retry(try await actions.retryAll(script: script, dryRun: dryRun), what: "retry all on \(title(script))")
    }

    public func resolveReview(script: String, id: String, newName: String) async throws -> String {
        let report = try await actions.resolveReview(script: script, id: id, newName: newName, dryRun: dryRun)
        return RuntimeSummaries.single(.grant, term: nil, report, script: title(script)) + " (review \(id) resolved)"
    }

    public func dismissReview(script: String, id: String, reason: String) async throws -> String {
        let dryRun = self.dryRun
        try await actions.dismissReview(script: script, id: id, reason: reason, dryRun: dryRun)
        return dryRun ? "dry run: review \(id) would be dismissed; nothing changed" : "review \(id) dismissed"
    }

    public func resendReviewEmail(script: String, id: String) async throws {
        if dryRun { throw RuntimeServiceError.dryRun("the email for review \(id) was not sent") }
        try await actions.resendReviewEmail(script: script, id: id)
    }

    public func testSession() async throws -> SessionStatusInfo {
        RuntimeSummaries.session(await runtime.session.test())
    }

    public func setCookies(sessionid: String, sessionidSign: String) async throws -> SessionStatusInfo {
        RuntimeSummaries.session(try await runtime.session.set(sessionid: sessionid, sessionidSign: sessionidSign))
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
    public var description: String {
        switch self {
        case .dryRun(let what): return "dry run: \(what); press d to go live first"
        }
    }
}
