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
    private func outcome(_ command: AccessCommand, dryRun: Bool = false) async throws -> Outcome {
        let outcome = await actions.perform(command, dryRun: dryRun)
        if let error = outcome.error, outcome.status != .partial { throw error }
        return outcome
    }

    /// Every write of the console: Core performs it, the status line says what came back.
    public func perform(_ command: AccessCommand) async throws -> String {
        let o = try await outcome(command)
        if case .resendReviewEmail(_, let id) = command, o.dryRun {
            throw RuntimeServiceError.dryRun("the email for review \(id) was not sent")
        }
        let text = RuntimeSummaries.describe(command, o, title: title)
        guard o.status == .partial, let error = o.error else { return text }
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
        let drifted = AuditReport.read(directory: runtime.masterDataDirectory)?.drifted ?? [:]
        return OtherProcesses(lockHolder: holder, daemon: daemon, drifted: drifted.filter { !$0.value.isEmpty })
    }

    public func validate(_ name: String) async throws -> String? {
        do { return try await actions.validate(name).canonical } catch ActionError.invalidUsername { return nil }
    }

    public func resyncPreview(script: String) async throws -> ResyncDiff {
        let o = try await outcome(.resync(script: script, apply: false))
        return RuntimeSummaries.diff(o.diff!)
    }

    public func syncNow(dryRun shown: Bool) async throws -> String {
        // The admin pressed S on what the header showed: a mode changed meanwhile does nothing.
        let dryRun = modes.dryRun
        guard dryRun == shown else { throw RuntimeServiceError.modeChanged(dryRun: dryRun) }
        return try await perform(.sync)
    }

    public func previewFirstRun() async throws -> FirstRunPlan {
        FirstRunPlan(try await outcome(.sync, dryRun: true).summary!)
    }

    public func setDryRun(_ on: Bool) async throws -> ModeReport {
        do { return try actions.modes.setDryRun(on) } catch { throw ActionError.refusedByMode(error) }
    }

    public func testSession() async throws -> SessionStatusInfo {
        try await session(.testSession)
    }

    public func setCookies(sessionid: String, sessionidSign: String) async throws -> SessionStatusInfo {
        // Core decides: read-only refuses; a dry run still saves (the session is not a customer's access).
        try await session(.setCookies(SessionCookies(sessionid: sessionid, sessionidSign: sessionidSign)))
    }

    private func session(_ command: AccessCommand) async throws -> SessionStatusInfo {
        let o = try await outcome(command)
        guard let status = o.session else { throw ActionError.notConfigured(o.message) }
        return RuntimeSummaries.session(status)
    }

    public func userStory(script: String, username: String) async throws -> UserStory? {
        runtime.userStories(username: username, script: script).first
    }

    public func entitlement(of story: UserStory) async -> UserStory.Entitled {
        await runtime.entitlement(of: story)
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
