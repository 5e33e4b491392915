import AccessCore
import Foundation

/// The real console services: every call goes to the AppRuntime's Actions and SessionManager.
/// The modes live in Core (`runtime.actions.modes`: config's `scheduler.dry_run`, `--read-only`, the `d`
/// toggle) and every write goes through `AccessActions.perform`, which admits it; the console shows what
/// this reports.
public final class RuntimeServices: ConsoleServices {
    public let runtime: AppRuntime

    public init(runtime: AppRuntime, readOnly: Bool = false) {
        self.runtime = runtime
        if readOnly { runtime.actions.modes.makeReadOnly() }
    }

    /// The mode now, for the console's first frame (later ones come with each overview).
    public var modes: ModeReport { runtime.actions.modes.current }

    private var actions: AccessActions { runtime.actions }

    private func title(_ script: String) -> String { runtime.config.title(ofScript: script) ?? script }

    /// Performs `command`; a refusal or a failure is thrown (the console shows its sentence), anything
    /// done (in full, in part, or with work queued) comes back to be described.
    private func perform(_ command: AccessCommand) async throws -> Outcome {
        let outcome = await actions.perform(command)
        if let error = outcome.error, outcome.status != .partial { throw error }
        return outcome
    }

    private func described(_ outcome: Outcome, _ text: String) -> String {
        guard outcome.status == .partial, let error = outcome.error else { return text }
        return text + "; not done: " + error.description
    }

    public func loadOverview() async throws -> ConsoleSnapshot {
        // Modes first: a report is as old as its oldest part.
        let modes = self.modes
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
        return OtherProcesses(lockHolder: holder, daemon: daemon)
    }

    public func validate(_ name: String) async throws -> String? {
        do { return try await actions.validate(name).canonical } catch ActionError.invalidUsername { return nil }
    }

    public func grant(script: String, user: String, term: AccessTerm) async throws -> String {
        let o = try await perform(.grant(script: script, users: [user], term: term))
        return described(o, RuntimeSummaries.action(.grant, term: term, reports: o.reports, script: title(script)))
    }

    public func extend(script: String, users: [String], term: AccessTerm) async throws -> String {
        let o = try await perform(.extend(script: script, users: users, term: term))
        return described(o, RuntimeSummaries.action(.extend, term: term, reports: o.reports, script: title(script)))
    }

    public func revoke(script: String, users: [String]) async throws -> String {
        let o = try await perform(.revoke(script: script, users: users))
        return described(o, RuntimeSummaries.action(.revoke, term: nil, reports: o.reports, script: title(script)))
    }

    public func resyncPreview(script: String) async throws -> ResyncDiff {
        let o = try await perform(.resync(script: script, apply: false))
        return RuntimeSummaries.diff(o.diff!)
    }

    public func resyncApply(script: String) async throws -> String {
        let o = try await perform(.resync(script: script, apply: true))
        return RuntimeSummaries.resyncApplied(o.diff!, script: title(script), dryRun: o.dryRun)
    }

    public func syncNow(dryRun shown: Bool) async throws -> String {
        // The admin pressed S on what the header showed: a mode changed meanwhile does nothing.
        let dryRun = modes.dryRun
        guard dryRun == shown else { throw RuntimeServiceError.modeChanged(dryRun: dryRun) }
        let o = try await perform(.sync)
        return RuntimeSummaries.sync(o.summary!)
    }

    public func previewFirstRun() async throws -> FirstRunPlan {
        let o = await actions.perform(.sync, dryRun: true)
        if let error = o.error { throw error }
        return FirstRunPlan(o.summary!)
    }

    public func setDryRun(_ on: Bool) async throws -> ModeReport {
        do { return try actions.modes.setDryRun(on) } catch { throw ActionError.refusedByMode(error) }
    }

    public func retryNow(script: String, id: String) async throws -> String {
        RuntimeSummaries.retry(try await perform(.retryNow(script: script, id: id)).summary!, what: "retry \(id)")
    }

    public func dropRetry(script: String, id: String) async throws -> String {
        let o = try await perform(.dropRetry(script: script, id: id))
        return (o.dryRun ? "dry run: would drop" : "dropped") + " retry \(id) on \(title(script))"
    }

    public func retryAll() async throws -> String {
        RuntimeSummaries.retry(try await perform(.retryAll(script: nil)).summary!, what: "retry all")
    }

    public func resolveReview(script: String, id: String, newName: String) async throws -> String {
        let o = try await perform(.resolveReview(script: script, id: id, newName: newName))
        let line = RuntimeSummaries.single(.grant, term: nil, o.reports[0], script: title(script))
        return line + (o.dryRun ? " (review \(id) would be resolved)" : " (review \(id) resolved)")
    }

    public func dismissReview(script: String, id: String, reason: String) async throws -> String {
        let o = try await perform(.dismissReview(script: script, id: id, reason: reason))
        return o.dryRun ? "dry run: review \(id) would be dismissed; nothing changed" : "review \(id) dismissed"
    }

    public func resendReviewEmail(script: String, id: String) async throws {
        let o = try await perform(.resendReviewEmail(script: script, id: id))
        if o.dryRun { throw RuntimeServiceError.dryRun("the email for review \(id) was not sent") }
    }

    public func testSession() async throws -> SessionStatusInfo {
        RuntimeSummaries.session(await runtime.session.test())
    }

    public func setCookies(sessionid: String, sessionidSign: String) async throws -> SessionStatusInfo {
        // Read-only refuses; dry run still saves: the session is not a customer's access.
        if modes.readOnly { throw ActionError.refusedByMode(.readOnly) }
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
    /// The console asked for a mode other than the one in force; nothing was done.
    case modeChanged(dryRun: Bool)
    public var description: String {
        switch self {
        case .dryRun(let what): return "dry run: \(what); press d to go live first"
        case .modeChanged(let dry): return "nothing done: the mode is \(dry ? "dry run" : "live") now; check the header and press the key again"
        }
    }
}
