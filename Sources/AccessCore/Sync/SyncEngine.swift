import Foundation

public enum SyncError: Error, Sendable, CustomStringConvertible {
    case store(scriptId: String, detail: String)
    public var description: String {
        switch self {
        case .store(let s, let d): return "master data of \(s): \(d)"
        }
    }
}

/// Runs sync passes: settle open intents, bootstrap, fetch WordPress, plan, then execute the plan with
/// every remote write journaled before it is sent. Side effects live here; the rules live in SyncPlanner.
public final class SyncEngine: Sendable {
    public let settings: SyncSettings
    public let store: any MasterDataProvider
    public let client: any TradingViewClient
    public let source: any TransactionSource
    public let mailer: (any Mailer)?
    public let events: EventHub
    /// Written into history entries: "sync", or the OS user who started a manual action.
    public let actor: String
    let clock: @Sendable () -> Date
    let onSessionStale: (@Sendable (String) -> Void)?

    public init(settings: SyncSettings, store: any MasterDataProvider, client: any TradingViewClient,
                source: any TransactionSource, mailer: (any Mailer)?, events: EventHub, actor: String = "sync",
                clock: @escaping @Sendable () -> Date = { Date() },
                onSessionStale: (@Sendable (String) -> Void)? = nil) {
        self.settings = settings; self.store = store; self.client = client; self.source = source
        self.mailer = mailer; self.events = events; self.actor = actor; self.clock = clock
        self.onSessionStale = onSessionStale
    }

    /// One full run over every configured script. Throws only when master data cannot be opened.
    public func run(dryRun: Bool) async throws -> SyncSummary {
        let started = Date()
        events.emit(.info, "sync.start", dryRun ? "sync started (dry run)" : "sync started",
                    fields: ["dryRun": "\(dryRun)", "scripts": "\(settings.scriptIds.count)"])
        let sessions = try await openSessions(settings.scriptIds, dryRun: dryRun)
        defer { sessions.forEach { $0.close() } }
        var summary = await pass(sessions, fetch: true, onlyRetries: nil, dryRun: dryRun)
        summary.durationSeconds = Date().timeIntervalSince(started)
        emitDone(summary)
        return summary
    }

    /// Attempts the given retry items of one script now, whatever their next-attempt time (nil = all of them).
    public func retryNow(scriptId: String, ids: Set<String>?, dryRun: Bool) async throws -> SyncSummary {
        let started = Date()
        let sessions = try await openSessions([scriptId], dryRun: dryRun)
        defer { sessions.forEach { $0.close() } }
        let only = ids ?? Set(sessions[0].state.retryQueue.keys)
        var summary = await pass(sessions, fetch: false, onlyRetries: only, dryRun: dryRun)
        summary.durationSeconds = Date().timeIntervalSince(started)
        return summary
    }

    /// The `since` to ask WordPress for: the earliest marker minus the overlap; nil (everything) while
    /// any script has never processed anything. A marker later than `now` (left by a future-dated
    /// record before markers were clamped) counts as `now`: it must not hide the purchases until then.
    public static func since(_ states: [ScriptAccess], overlap: TimeInterval, now: Date = .distantFuture) -> Date? {
        var earliest: Date?
        for s in states {
            guard let marker = s.lastProcessedAt else { return nil }
            let d = min(marker, now)
            earliest = min(earliest ?? d, d)
        }
        return earliest.map { $0.addingTimeInterval(-overlap) }
    }

    /// Opens every script side by side (each load reads a snapshot and replays a journal); if any
    /// cannot be opened, the others are closed again and the first failure in `ids` order is thrown.
    func openSessions(_ ids: [String], dryRun: Bool) async throws -> [ScriptSession] {
        let store = self.store
        let opened = await withTaskGroup(of: (Int, Result<any ScriptMasterData, any Error>).self) { group in
            for (i, id) in ids.enumerated() {
                group.addTask { (i, Result { try store.openScript(id) }) }
            }
            var results = [Result<any ScriptMasterData, any Error>?](repeating: nil, count: ids.count)
            for await (i, result) in group { results[i] = result }
            return results.map { $0! }
        }
        if let failed = opened.firstIndex(where: { if case .failure = $0 { return true }; return false }),
           case .failure(let error) = opened[failed] {
            for case .success(let data) in opened { store.releaseScript(data) }
            throw SyncError.store(scriptId: ids[failed], detail: String(describing: error))
        }
        return opened.map { result in
            guard case .success(let data) = result else { preconditionFailure("failures handled above") }
            return ScriptSession(data, provider: store, dryRun: dryRun)
        }
    }

    private func emitDone(_ s: SyncSummary) {
        let outcome = s.stale ? "stopped: TradingView session stale" : "done"
        events.emit(s.stale ? .warning : .notice, "sync.done",
                    "sync \(outcome): \(s.granted) granted, \(s.extended) extended, \(s.review) to review, \(s.retry) to retry",
                    fields: ["processed": "\(s.processed)", "granted": "\(s.granted)", "extended": "\(s.extended)",
                             "revoked": "\(s.revoked)", "review": "\(s.review)", "retry": "\(s.retry)",
                             "failed": "\(s.failed)", "skipped": "\(s.skipped)", "dryRun": "\(s.dryRun)",
                             "stale": "\(s.stale)", "durationSeconds": String(format: "%.3f", s.durationSeconds)])
    }

    /// The plan, and every known name (key -> TradingView spelling). The copies of the states it reads
    /// end with this call: held during the writes, they would make each script's next commit copy it.
    private func makePlan(_ ready: [ScriptSession], transactions: [Transaction], onlyRetries: Set<String>?,
                          now: Date) -> (SyncPlan, [String: String]) {
        var states = Dictionary(uniqueKeysWithValues: ready.map { ($0.scriptId, $0.state) })
        if let only = onlyRetries {
            for (sid, var s) in states {
                s.retryQueue = s.retryQueue.filter { only.contains($0.key) }.mapValues { var r = $0; r.nextAttemptAt = now; return r }
                states[sid] = s
            }
        }
        var knownNames: [String: String] = [:]
        for s in states.values { for (k, u) in s.users { knownNames[k] = u.username } }
        let plan = SyncPlanner.plan(.init(transactions: transactions, products: settings.products, states: states, now: now,
                                          knownNames: knownNames, maxAttempts: settings.maxAttempts))
        return (plan, knownNames)
    }

    /// The work of one pass over open sessions. Never throws: failures become retry or review items.
    func pass(_ sessions: [ScriptSession], fetch: Bool, onlyRetries: Set<String>?, dryRun: Bool) async -> SyncSummary {
        let tally = RunTally(dryRun: dryRun, events: events)
        let now = clock().wholeSeconds
        let ready = await prepare(sessions, tally: tally, now: now)
        guard await !tally.stale else { return await tally.summary }

        var transactions: [Transaction] = []
        if fetch {
            let since = Self.since(ready.map(\.state), overlap: settings.sinceOverlap, now: now)
            do {
                let batch = try await source.transactions(since: since)
                transactions = batch.transactions
                for r in batch.rejected {
                    await tally.add(.skipped)
                    events.emit(.warning, "transaction.rejected", "WordPress record \(r.recordId ?? "?") skipped: \(r.reason)",
                                fields: ["record": r.recordId ?? "", "reason": r.reason])
                }
            } catch {
                await tally.add(.failed)
                await tally.add(.incomplete)
                events.emit(.error, "wordpress.failed", "could not fetch transactions: \(error)")
            }
        }

        let (plan, knownNames) = makePlan(ready, transactions: transactions, onlyRetries: onlyRetries, now: now)
        for id in plan.conflictingDuplicates {
            await tally.add(.skipped)
            events.emit(.warning, "transaction.duplicate", "transaction \(id) came twice with another user, product or status: only the first is used",
                        fields: ["transaction": id])
        }
        for id in plan.futureDated {
            events.emit(.warning, "transaction.future", "transaction \(id) is dated after this run: applied, but its date is not kept as the last processed purchase",
                        fields: ["transaction": id])
        }
        for id in plan.unmappedTransactions {
            await tally.add(.skipped)
            events.emit(.warning, "transaction.unmapped", "transaction \(id): its product entitles no configured script",
                        fields: ["transaction": id])
        }

        let bySession = Dictionary(uniqueKeysWithValues: ready.map { ($0.scriptId, $0) })
        let plans = plan.scripts.filter { bySession[$0.scriptId] != nil }
        await tally.expect(plans.reduce(0) { $0 + $1.writes.count + $1.reviews.count })
        let run = Run(engine: self, tally: tally, validator: NameValidator(client: client, known: knownNames),
                      mail: MailLedger(file: settings.sentMailPath.map(SentMailFile.init)), now: now)

        for p in plans {
            await tally.add(.skipped, p.ignored.count)
            for review in p.reviews { await run.addPlannedReview(review, in: bySession[p.scriptId]!) }
        }
        let writes = plans.flatMap { p in p.writes.map { (bySession[p.scriptId]!, $0) } }
        let intents = run.openIntentsAhead(writes)
        await withTaskGroup(of: Void.self) { group in
            var next = zip(writes, intents).makeIterator()
            for _ in 0..<settings.concurrency {
                guard let ((s, w), i) = next.next() else { break }
                group.addTask { await run.execute(w, in: s, intents: i) }
            }
            while await group.next() != nil {
                if let ((s, w), i) = next.next() { group.addTask { await run.execute(w, in: s, intents: i) } }
            }
        }

        let failedStores = await tally.storeFailures
        for p in plans where !failedStores.contains(p.scriptId) {
            guard let newest = p.newestCreatedAt else { continue }
            do { try bySession[p.scriptId]!.commit([.setLastProcessed(newest)], durability: .deferred) } catch {
                events.emit(.error, "store.failed", script: p.scriptId, "could not record progress: \(error)")
            }
        }
        return await tally.summary
    }
}
