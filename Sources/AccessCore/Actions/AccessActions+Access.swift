import Foundation

extension AccessActions {
    /// Whether TradingView knows the name, and its canonical spelling. Only reads.
    public func validate(_ name: String) async throws -> ValidatedName {
        try await audited(.validate, user: name, writes: false) { _ in
            let canonical = try await canonicalName(name, in: nil)
            return (ValidatedName(typed: name, canonical: canonical), "\"\(name)\" is valid: \(canonical)")
        }
    }

    /// Gives access for `term` from now; a user who already has longer keeps it (lifetime is never shortened).
    func grant(script: String, user: String, term: AccessTerm, dryRun: Bool = false) async throws -> ActionReport {
        try await audited(.grant, script: script, user: user, dryRun: dryRun) { dryRun in
            try await withSession(script, dryRun: dryRun) { session in
                let name = try await canonicalName(user, in: session)
                let report = try await change(session, user: name, kind: .grant, term: term)
                return (report, report.detail)
            }
        }
    }

    /// Adds `term` to each user's access, from their current expiry when still in the future.
    /// Users must be in master data; all are checked before anything is sent.
    func extend(script: String, users: [String], term: AccessTerm, dryRun: Bool = false) async throws -> [ActionReport] {
        try await audited(.extend, script: script, user: users.joined(separator: ","), dryRun: dryRun) { dryRun in
            try await withSession(script, dryRun: dryRun) { session in
                let reports = try await batch(session, users: users, kind: .extend, term: term)
                return (reports, "extend by \(term.description): " + summarize(reports))
            }
        }
    }

    /// Removes access on TradingView. Users stay in master data with their history.
    func revoke(script: String, users: [String], dryRun: Bool = false) async throws -> [ActionReport] {
        try await audited(.revoke, script: script, user: users.joined(separator: ","), dryRun: dryRun) { dryRun in
            try await withSession(script, dryRun: dryRun) { session in
                let reports = try await batch(session, users: users, kind: .revoke, term: nil)
                return (reports, "revoke: " + summarize(reports))
            }
        }
    }

    private func batch(_ session: ScriptSession, users: [String], kind: RemoteOperation, term: AccessTerm?) async throws -> [ActionReport] {
        var names: [String] = []
        for typed in users {
            guard let n = Username.normalize(typed) else {
                throw ActionError.invalidUsername(typed, detail: "not a TradingView username")
            }
            guard let known = session.state.user(n) else { throw ActionError.userNotFound(script: session.scriptId, user: n) }
            names.append(known.username)
        }
        var reports: [ActionReport] = []
        for (i, name) in names.enumerated() {
            do { reports.append(try await change(session, user: name, kind: kind, term: term)) } catch ActionError.sessionStale {
                // Keep the rest queued too: none of them can be sent with this session.
                for rest in names[(i + 1)...] {
                    try queueManual(session, kind, user: rest, term: term, attempts: 0, next: now, error: "session stale")
                }
                throw ActionError.sessionStale(queued: names.count - i)
            }
        }
        return reports
    }

    private func summarize(_ reports: [ActionReport]) -> String {
        reports.map { "\($0.username) \($0.result.rawValue)" }.joined(separator: ", ")
    }

    /// One manual change of one known-good name, through the journaled writer.
    func change(_ session: ScriptSession, user name: String, kind: RemoteOperation, term: AccessTerm?,
                covers: [SyncWork] = []) async throws -> ActionReport {
        let known = session.state.user(name)
        let now = self.now
        let before = AccessState(known)
        let after: AccessState
        switch kind {
        case .revoke: after = .none
        case .grant, .extend:
            // The memberpress term has no length of its own: only a purchase's end (a review item's) says how long.
            if term == .purchase {
                guard let end = covers.first?.purchaseEnd else {
                    throw ActionError.notConfigured("the memberpress term comes from a purchase's expires_at: give a length like 1M, 1Y or lifetime")
                }
                after = before.raised(to: end, now: now)
            } else {
                after = before.applying(term!, stacking: kind == .extend, now: now)
            }
            guard after != .none else { throw ActionError.notConfigured("the purchase's term ended: nothing to grant") }
        }
        let operation: RemoteOperation = kind == .revoke ? .revoke : (before.isActive(at: now) ? .extend : .grant)
        let cmd = WriteCommand(scriptId: session.scriptId, operation: operation, username: name, before: before, after: after,
                               covers: covers, email: known?.email ?? covers.first?.email, wpUsername: known?.wpUsername, actor: actorName,
                               action: kind.rawValue)
        func report(_ result: ActionReport.Result, _ detail: String) -> ActionReport {
            ActionReport(scriptId: session.scriptId, username: name, operation: operation, result: result, after: after, detail: detail)
        }
        if operation != .revoke && before == after && before.isActive(at: now) {
            var unchanged = cmd
            unchanged.action = "\(kind.rawValue)-unchanged"
            try commit(session, RemoteWriter.resultChanges(unchanged, state: session.state,
                                                           result: session.dryRun ? "dry-run" : "ok", now: now))
            return report(.unchanged, "\(name) already has access until \(after.label): nothing sent")
        }
        let outcome: WriteOutcome
        do { outcome = try await RemoteWriter(client: client).perform(cmd, in: session, now: now) } catch {
            throw ActionError.store(String(describing: error))
        }
        switch outcome {
        case .applied: return report(.applied, "\(operation.rawValue) \(name): until \(after.label)")
        case .dryRun: return report(.dryRun, "would \(operation.rawValue) \(name) until \(after.label)")
        case .failed(let error):
            switch error {
            case .sessionStale:
                engine.onSessionStale?(error.description)
                if covers.isEmpty {
                    try queueManual(session, kind, user: name, term: term, attempts: 0, next: now, error: "session stale")
                }
                throw ActionError.sessionStale(queued: covers.isEmpty ? 1 : 0)
            case .rejected(_, let detail):
                try note(session, user: name, action: kind.rawValue, result: "failed: \(detail)")
                throw ActionError.rejected(user: name, detail: detail)
            case .transient(_, let retryAfter):
                guard covers.isEmpty else { throw ActionError.from(error) }
                let next = settings.nextAttempt(after: 1, now: now, retryAfter: retryAfter)
                try queueManual(session, kind, user: name, term: term, attempts: 1, next: next, error: error.description)
                return report(.queued, "\(error); queued for retry at \(ISODate.format(next))")
            case .malformed, .notConfigured:
                try note(session, user: name, action: kind.rawValue, result: "failed: \(error)")
                throw ActionError.from(error)
            }
        }
    }

    /// A manual change waiting in the retry queue: the sync replays it (grant without, extend with stacking).
    func queueManual(_ session: ScriptSession, _ kind: RemoteOperation, user: String, term: AccessTerm?, attempts: Int,
                     next: Date, error: String) throws {
        let item = RetryItem(id: "manual-\(UUID().uuidString.lowercased())", operation: kind, username: user,
                             email: session.state.user(user)?.email, term: term, transactionId: nil, attempts: attempts,
                             nextAttemptAt: next, lastError: error, createdAt: now, plannedAt: now)
        try commit(session, [.putRetry(item)])
        try note(session, user: user, action: kind.rawValue, result: "queued: \(error)")
    }
}
