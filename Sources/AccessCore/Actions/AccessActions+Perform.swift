import Foundation

extension AccessActions {
    /// The one way in for every front end: runs `command` in the mode the policy allows (a command may
    /// ask for a dry run, never for less), and says how it went. Never throws: a refusal or a failure is
    /// an `Outcome` too, with the error that explains it.
    public func perform(_ command: AccessCommand, dryRun requested: Bool = false) async -> Outcome {
        let mode = modes.current.admitting(dryRun: requested)
        var outcome: Outcome
        if command.writes && mode.readOnly {
            outcome = .refused(.refusedByMode(.readOnly), dryRun: mode.dryRun)
            if let action = command.action {
                events.emit(.warning, .actionFailed(action), outcome.message, fields: ["actor": actorName])
            }
        } else {
            do {
                // The mode is read once: every write this command makes admits against this snapshot, so
                // a toggle pressed meanwhile cannot make half of it live and the outcome lie about the rest.
                outcome = try await Self.$admitted.withValue(AdmittedMode(authority: ObjectIdentifier(modes), policy: mode)) {
                    try await run(command, dryRun: mode.dryRun)
                }
            } catch let error as ActionError {
                outcome = .refused(error, dryRun: mode.dryRun)
            } catch {
                outcome = .refused(.store(String(describing: error)), dryRun: mode.dryRun)
            }
        }
        outcome.mode = mode
        return outcome
    }

    /// The policy `perform` admitted for the command running in this task, read by `admit`.
    struct AdmittedMode: Sendable {
        let authority: ObjectIdentifier
        let policy: ModePolicy
    }
    @TaskLocal static var admitted: AdmittedMode?

    /// The mode a write of this instance runs in: the one its `perform` admitted, else the policy now.
    var currentMode: ModePolicy {
        if let a = Self.admitted, a.authority == ObjectIdentifier(modes) { return a.policy }
        return modes.current
    }

    private func run(_ command: AccessCommand, dryRun: Bool) async throws -> Outcome {
        switch command {
        case .grant(let script, let users, let term):
            return await eachUser(users, dryRun: dryRun) { try await grant(script: script, user: $0, term: term, dryRun: dryRun) }
        case .extend(let script, let users, let term):
            return reports(try await extend(script: script, users: users, term: term, dryRun: dryRun), dryRun: dryRun)
        case .revoke(let script, let users):
            return reports(try await revoke(script: script, users: users, dryRun: dryRun), dryRun: dryRun)
        case .resolveReview(let script, let id, let newName):
            let report = try await resolveReview(script: script, id: id, newName: newName, dryRun: dryRun)
            var o = reports([report], dryRun: false)
            o.dryRun = dryRun
            o.message = (dryRun ? "dry run: review \(id) would be resolved: " : "review \(id) resolved: ") + o.message
            return o
        case .dismissReview(let script, let id, let reason):
            try await dismissReview(script: script, id: id, reason: reason, dryRun: dryRun)
            return Outcome(status: .done, dryRun: dryRun,
                           message: dryRun ? "dry run: review \(id) would be dismissed; nothing changed" : "review \(id) dismissed")
        case .resendReviewEmail(let script, let id):
            try await resendReviewEmail(script: script, id: id, dryRun: dryRun)
            return Outcome(status: .done, dryRun: dryRun, message: dryRun ? "dry run: the email for review \(id) would be sent again; nothing sent"
                                                                          : "invalid-username email for review \(id) sent again")
        case .retryNow(let script, let id):
            return run(try await retryNow(script: script, id: id, dryRun: dryRun), "retry \(id)")
        case .retryAll(let script):
            return run(try await retryAll(script: script, dryRun: dryRun), "retry all")
        case .dropRetry(let script, let id):
            try await dropRetry(script: script, id: id, dryRun: dryRun)
            return Outcome(status: .done, dryRun: dryRun,
                           message: dryRun ? "dry run: retry \(id) would be dropped; nothing changed" : "retry \(id) dropped")
        case .resync(let script, let apply):
            let diff = try await resync(script: script, apply: apply, dryRun: dryRun || !apply)
            var o = Outcome(status: .done, dryRun: dryRun, message: Self.describe(diff, applied: apply, dryRun: dryRun))
            o.diff = diff
            return o
        case .sync:
            return run(try await sync(dryRun: dryRun), "sync")
        case .apply(let transactions):
            return run(try await apply(transactions: transactions, dryRun: dryRun), "webhook purchases")
        case .rebuild(let script):
            guard !dryRun else {
                try checkScript(script)
                return Outcome(status: .done, dryRun: true,
                               message: "dry run: the master data of \(script) would be set aside and rebuilt from TradingView's list; nothing changed")
            }
            let report = try await rebuild(script: script)
            var o = run(report.summary, "rebuild of \(script)")
            o.message = "master data of \(script) rebuilt: \(report.users) users, \(report.adopted) adopted, \(report.writes) written, \(report.excess) to review"
            o.rebuild = report
            return o
        case .batchGrant(var request):
            request.dryRun = request.dryRun || dryRun
            let report = try await batchGrant(request)
            var o = run(report.summary, "batch-grant")
            o.message = report.sentence
            o.batch = report
            return o
        case .setCookies(let cookies):
            let status: SessionStatus
            do { status = try await sessionManager().set(sessionid: cookies.sessionid, sessionidSign: cookies.sessionidSign) }
            catch let error as SessionError { throw ActionError.session(error) }
            var o = Outcome(status: .done, dryRun: false, message: "saved: session valid" + (status.account.map { " (account \($0))" } ?? ""))
            o.session = status
            return o
        case .audit(let repair):
            let report = await audit(repair: repair, dryRun: dryRun)
            let drifted = report.scripts.reduce(0) { $0 + $1.drift.count }
            var o = Outcome(status: report.failedScripts > 0 ? .partial : .done, dryRun: dryRun,
                            message: (dryRun ? "dry run: " : "") + "audit: \(drifted) users differ from TradingView, "
                                + "\(report.repairsQueued) repairs \(dryRun ? "would be " : "")queued"
                                + (report.failedScripts > 0 ? ", \(report.failedScripts) scripts not read" : ""))
            o.audit = report
            return o
        case .testSession:
            let status = try await sessionManager().test()
            var o = Outcome(status: status.state == .valid ? .done : .stale, dryRun: false, message: status.line)
            o.session = status
            return o
        }
    }

    private func sessionManager() throws -> SessionManager {
        guard let session else { throw ActionError.notConfigured("no TradingView session here: cookies are set and tested by the console, the CLI and the daemon") }
        return session
    }

    /// A run's outcome from its summary.
    private func run(_ summary: SyncSummary, _ what: String) -> Outcome {
        let status = OutcomeStatus(summary)
        let s = summary
        let verb = summary.dryRun ? "would be" : ""
        let counts = "\(s.granted) granted, \(s.extended) extended, \(s.revoked) revoked\(verb.isEmpty ? "" : " (\(verb))"), "
            + "\(s.review) to review, \(s.retry) queued for retry" + (s.incomplete > 0 ? ", \(s.incomplete) part(s) not done" : "")
        return Outcome(status: status, dryRun: summary.dryRun,
                       message: (summary.dryRun ? "dry run: " : "") + "\(what): \(status.sentence): \(counts)", summary: summary)
    }

    /// Several users' reports: queued ones make it `queued`.
    private func reports(_ reports: [ActionReport], dryRun: Bool) -> Outcome {
        let queued = reports.contains { $0.result == .queued }
        let text = reports.map(\.detail).joined(separator: "; ")
        return Outcome(status: queued ? .queued : .done, dryRun: dryRun, message: (dryRun ? "dry run: " : "") + text, reports: reports)
    }

    /// One user at a time: an unknown name does not stop the others; the session or a lock stops all.
    /// Some done and some not: `partial`.
    private func eachUser(_ users: [String], dryRun: Bool,
                          _ body: (String) async throws -> ActionReport) async -> Outcome {
        var done: [ActionReport] = []
        var firstError: ActionError?
        for user in users {
            do { done.append(try await body(user)) } catch {
                let e = error as? ActionError ?? .store(String(describing: error))
                firstError = firstError ?? e
                let status = OutcomeStatus(e)
                if status == .stale || status == .busy { break }
            }
        }
        guard let firstError else { return reports(done, dryRun: dryRun) }
        guard !done.isEmpty else { return .refused(firstError, dryRun: dryRun) }
        var o = reports(done, dryRun: dryRun)
        o.status = .partial
        o.error = firstError
        o.message += "; not done: \(firstError.description)"
        return o
    }

    static func describe(_ diff: ResyncDiff, applied: Bool, dryRun: Bool) -> String {
        let found = "\(diff.missingRemote.count) missing on TradingView, \(diff.unknownLocal.count) unknown here, "
            + "\(diff.expiryMismatch.count) expiry mismatches, \(diff.matching) matching"
        guard applied else { return "resync of \(diff.scriptId): \(found)" }
        return (dryRun ? "dry run: resync of \(diff.scriptId) would apply: " : "resync of \(diff.scriptId) applied: ") + found
    }
}
