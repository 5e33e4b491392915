import Foundation

extension AccessActions {
    /// One sync run under the data-folder lock. Throws `ActionError.syncRunning(pid:)` when another holds it.
    /// The engine's `sync.start` / `sync.done` are this action's events.
    func sync(dryRun: Bool = false) async throws -> SyncSummary {
        do {
            let dryRun = try admit(dryRun)
            return try await underSyncLock { try await engine.run(dryRun: dryRun) }
        } catch {
            events.emit(.error, .runFailed, "\(error)", fields: ["actor": actorName])
            throw error
        }
    }

    /// Confirmed purchases (the daemon's webhooks) through the engine under the data-folder lock: the
    /// sync path without the WordPress fetch. Throws `ActionError.syncRunning(pid:)` like `sync`.
    func apply(transactions: [Transaction], dryRun: Bool = false) async throws -> SyncSummary {
        do {
            let dryRun = try admit(dryRun)
            return try await underSyncLock { try await engine.run(transactions: transactions, dryRun: dryRun) }
        } catch {
            events.emit(.error, .applyFailed, "\(error)", fields: ["actor": actorName])
            throw error
        }
    }

    /// Master data against TradingView's list. With `apply`: grants the missing with our expiry, adopts the
    /// unknown, and sets TradingView to our expiry where it differs unless TradingView's is later.
    /// Returns the diff as found before applying.
    func resync(script: String, apply: Bool, dryRun: Bool = false) async throws -> ResyncDiff {
        try await audited(.resync, script: script, dryRun: dryRun, writes: apply) { dryRun in
            try await withSession(script, dryRun: dryRun) { session in
                let remote: [RemoteAccess]
                do { remote = try await client.listUsers(scriptId: script) } catch {
                    let e = RemoteError.wrap(error)
                    if e.isStale { engine.onSessionStale?(e.description) }
                    throw ActionError.from(e)
                }
                // A renamed account is the same user: master data follows it before comparing (no orphan row, no grant).
                let moved = session.read { Audit.renames($0, remote: remote, now: now, actor: actorName) }
                if !moved.changes.isEmpty, !dryRun {
                    try commit(session, moved.changes)
                    for r in moved.renames {
                        events.emit(.notice, .userRenamed, script: script, user: r.to,
                                    "\(r.from) is now \(r.to) on TradingView (the same account): master data follows",
                                    fields: ["from": r.from, "to": r.to])
                    }
                }
                let diff = Reconciler.diff(session.state, remote: remote, now: now)
                var message = "\(diff.missingRemote.count) missing on TradingView, \(diff.unknownLocal.count) unknown here, "
                    + "\(diff.expiryMismatch.count) expiry mismatches, \(diff.matching) matching"
                guard apply else { return (diff, message) }
                let applied: ResyncApplied
                let writes = diff.missingRemote.count + diff.expiryMismatch.filter { !$0.remoteIsLater }.count
                let run = ActionRunProgress(kind: .resync, total: writes, dryRun: dryRun, events: events)
                do {
                    applied = try await Reconciler.apply(diff, in: session, writer: RemoteWriter(client: client),
                                                         actor: actorName, now: now, step: run.step)
                } catch {
                    run.failed(error)
                    throw ActionError.store(String(describing: error))
                }
                run.done(failed: applied.failed.count)
                if applied.stale {
                    engine.onSessionStale?(applied.failed.values.first ?? "session stale")
                    throw ActionError.sessionStale(queued: 0)
                }
                guard applied.failed.isEmpty else { throw ActionError.resyncIncomplete(script: script, failed: applied.failed) }
                message += "; applied: \(applied.granted) granted, \(applied.updated) updated, \(applied.adopted) adopted"
                return (diff, message)
            }
        }
    }
}
