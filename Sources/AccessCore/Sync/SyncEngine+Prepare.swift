import Foundation

extension SyncEngine {
    /// A script needs TradingView's list this pass when it was never bootstrapped or has open intents.
    static func needsList(_ state: ScriptAccess) -> Bool { !state.bootstrapped || !state.openIntents.isEmpty }

    /// Takes one script's list: settles its open intents and bootstraps it. True when the script is ready
    /// to plan; false when it sits this pass out, its work untouched (a failed list or master data). A
    /// stale session is reported, which stops the pass's writes.
    /// `adopt`: a script never bootstrapped is left for its first plan, which compares the list with the
    /// whole purchase history (`Adoption`); without a WordPress read (a batch) the list is taken as it is.
    func prepare(_ session: ScriptSession, list: Result<[RemoteAccess], RemoteError>, tally: RunTally, now: Date,
                 adopt: Bool) async -> Bool {
        switch list {
        case .failure(let error):
            if error.isStale {
                await reportStale(error, tally: tally)
                return false
            }
            await tally.add(.failed)
            await tally.add(.incomplete)
            events.emit(.error, .listFailed, script: session.scriptId,
                        "could not read TradingView's user list; script skipped this run: \(error)")
            return false
        case .success(let remote):
            do {
                try await settle(session, remote: remote, tally: tally, now: now)
                if !adopt { try bootstrap(session, remote: remote, now: now) }
                return true
            } catch {
                await tally.add(.failed)
                await tally.add(.incomplete)
                events.emit(.error, .storeFailed, script: session.scriptId, "script skipped this run: \(error)")
                return false
            }
        }
    }

    func reportStale(_ error: RemoteError, tally: RunTally) async {
        guard await tally.markStale() else { return }
        events.emit(.error, .sessionStale,
                    "TradingView session is stale: all writes stopped, work kept queued. Update the cookies, then sync again.",
                    fields: ["detail": error.description])
        onSessionStale?(error.description)
    }

    private func settle(_ session: ScriptSession, remote: [RemoteAccess], tally: RunTally, now: Date) async throws {
        let intents = session.state.openIntents.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        guard !intents.isEmpty else { return }
        let byKey = Dictionary(remote.map { (Username.key($0.username), $0) }, uniquingKeysWith: { a, _ in a })
        for intent in intents {
            let decision = IntentSettlement.decide(intent, remote: byKey)
            let changes = session.read {
                IntentSettlement.changes(for: intent, decision: decision, state: $0,
                                         remoteName: byKey[Username.key(intent.username)]?.username, actor: actor, now: now)
            }
            try session.commit(changes)
            let applied = decision != .notApplied
            if applied, intent.transactionId != nil { await tally.add(.processed) }
            events.emit(applied ? .notice : .warning, .intentSettled, script: session.scriptId, user: intent.username,
                        applied ? "interrupted \(intent.operation.rawValue) had landed: recorded"
                                : "interrupted \(intent.operation.rawValue) had not landed: its work will be planned again",
                        fields: ["operation": intent.operation.rawValue, "applied": "\(applied)",
                                 "transaction": intent.transactionId ?? ""])
        }
    }

    /// Takes TradingView's list as the starting master data of a script that has none (a batch: its dump
    /// is the history, applied by the batch's own rules).
    private func bootstrap(_ session: ScriptSession, remote: [RemoteAccess], now: Date) throws {
        guard !session.read(\.bootstrapped) else { return }
        let changes: [AccessChange] = session.read { state in
            remote.filter { state.user($0.username) == nil }.map { r in
                .upsertUser(UserAccess(username: r.username, expiry: r.expiry, grantedAt: r.created,
                                       history: [HistoryEntry(at: now, actor: actor, action: "bootstrap", expiry: r.expiry)], tvUserId: r.id))
            }
        }
        try session.commit(changes + [.setBootstrapped(true)])
        events.emit(.notice, .bootstrapDone, script: session.scriptId,
                    "master data started from TradingView's list: \(changes.count) users",
                    fields: ["users": "\(changes.count)"])
    }
}
