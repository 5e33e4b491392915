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
    /// Written into history entries: the entry point that started the run (`ActorName`).
    public let actor: String
    let clock: @Sendable () -> Date
    let onSessionStale: (@Sendable (String) -> Void)?
    /// Writes waiting to be read back, across kills (`settings.readBackPendingPath`).
    public let pending: ReadBackPending?
    private let stopSwitch: StopSwitch

    public init(settings: SyncSettings, store: any MasterDataProvider, client: any TradingViewClient,
                source: any TransactionSource, mailer: (any Mailer)?, events: EventHub, actor: String = "sync",
                clock: @escaping @Sendable () -> Date = { Date() },
                onSessionStale: (@Sendable (String) -> Void)? = nil) {
        self.settings = settings; self.store = store; self.client = client; self.source = source
        self.mailer = mailer; self.events = events; self.actor = actor; self.clock = clock
        self.onSessionStale = onSessionStale
        self.stopSwitch = StopSwitch()
        self.pending = settings.readBackPendingPath.map(ReadBackPending.init)
    }

    /// The same engine recording its writes as made by `actor` (webhooks, batch, a fix link). It shares
    /// the stop switch: a shutdown stops the runs of every copy.
    public func acting(as actor: String) -> SyncEngine { SyncEngine(self, actor: actor) }

    private init(_ other: SyncEngine, actor: String) {
        settings = other.settings; store = other.store; client = other.client; source = other.source
        mailer = other.mailer; events = other.events; clock = other.clock; onSessionStale = other.onSessionStale
        stopSwitch = other.stopSwitch; pending = other.pending
        self.actor = actor
    }

    /// Shutdown: writes already sent finish and are journaled; no further write is sent, by this run
    /// or any later one of this engine. What was not sent stays unprocessed (or queued) for the next
    /// process, and the run does not move the marker of the last processed purchase.
    public func requestStop() {
        if stopSwitch.set() {
            events.emit(.notice, .syncStopping, "stopping: writes in flight finish, no new write is sent")
        }
    }

    public var stopRequested: Bool { stopSwitch.isSet }

    /// One full run over every configured script (or the given ones: `store rebuild`). Throws only when
    /// master data cannot be opened.
    public func run(scripts: [String]? = nil, dryRun: Bool) async throws -> SyncSummary {
        try await running(.sync, dryRun: dryRun) { run in
            let sessions = try await openSessions(scripts ?? settings.scriptIds, dryRun: dryRun)
            defer { sessions.forEach { $0.close() } }
            return await pass(sessions, fetch: true, onlyRetries: nil, run: run)
        }
    }

    /// One run over every configured script with the given transactions instead of a WordPress fetch
    /// (the daemon's confirmed webhook purchases): the same settle, plan and write path as `run`, the
    /// same processed set, so a purchase is applied once whichever path sees it first. The marker of
    /// the last processed purchase is left alone: these purchases may be newer than ones a poll has
    /// not read yet.
    /// The retry queue is left to sync: a run of given purchases does only their work.
    public func run(transactions: [Transaction], kind: RunKind = .webhook, dryRun: Bool) async throws -> SyncSummary {
        try await running(kind, dryRun: dryRun) { run in
            let sessions = try await openSessions(settings.scriptIds, dryRun: dryRun)
            defer { sessions.forEach { $0.close() } }
            var seen = Set<String>()
            let unique = transactions.filter { seen.insert($0.id).inserted }
            // A script's first run needs the whole purchase history to compare with TradingView's list
            // (`Adoption`): a webhook that arrives first reads WordPress too, once.
            let firstRun = kind == .webhook && sessions.contains { !$0.state.bootstrapped }
            return await pass(sessions, fetch: firstRun, given: unique, onlyRetries: firstRun ? nil : [], run: run)
        }
    }

    /// Attempts the given retry items of one script now, whatever their next-attempt time (nil = all of them).
    public func retryNow(scriptId: String, ids: Set<String>?, dryRun: Bool) async throws -> SyncSummary {
        try await running(.retry, dryRun: dryRun) { run in
            let sessions = try await openSessions([scriptId], dryRun: dryRun)
            defer { sessions.forEach { $0.close() } }
            let only = ids ?? Set(sessions[0].state.retryQueue.keys)
            return await pass(sessions, fetch: false, onlyRetries: only, run: run)
        }
    }

    /// Brackets a run with its start and end events, so whoever shows runs sees every one end.
    func running(_ kind: RunKind, dryRun: Bool, _ body: (RunProgress) async throws -> SyncSummary) async throws -> SyncSummary {
        let started = Date()
        let run = RunProgress(run: Self.newRunId(), kind: kind, dryRun: dryRun)
        events.emit(.runStart(run))
        do {
            var summary = try await body(run)
            summary.durationSeconds = Date().timeIntervalSince(started)
            events.emit(.runDone(run: run.run, kind: kind, summary))
            return summary
        } catch {
            events.emit(AccessEvent(level: .error, kind: .runFailed, message: "\(kind.rawValue) failed: \(error)",
                                    fields: ["run": run.run, "kind": kind.rawValue]))
            throw error
        }
    }

    static func newRunId() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 36)
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

    /// The work of one pass over open sessions. Never throws: failures become retry or review items.
    /// `given`: transactions to plan besides (or, without `fetch`, instead of) WordPress's.
    func pass(_ sessions: [ScriptSession], fetch: Bool, given: [Transaction] = [], onlyRetries: Set<String>?,
              run: RunProgress) async -> SyncSummary {
        let tally = RunTally(run, events: events)
        let now = clock().wholeSeconds
        let run = Run(engine: self, tally: tally, validator: NameValidator(client: client),
                      mail: MailLedger(file: settings.sentMailPath.map(SentMailFile.init)), now: now)
        let plans = await runLanes(sessions, fetch: fetch, given: given, onlyRetries: onlyRetries, run: run, now: now)
        await readBack(run: run, sessions: sessions)

        let bySession = Dictionary(uniqueKeysWithValues: sessions.map { ($0.scriptId, $0) })
        let failedStores = await tally.storeFailures
        for p in plans where !stopRequested && !failedStores.contains(p.scriptId) {
            // Only a WordPress read moves the since marker: given transactions may be newer than unread ones.
            guard fetch, let newest = p.newestCreatedAt else { continue }
            do { try bySession[p.scriptId]!.commit([.setLastProcessed(newest)], durability: .deferred) } catch {
                events.emit(.error, .storeFailed, script: p.scriptId, "could not record progress: \(error)")
            }
        }
        return await tally.summary
    }
}

/// A one-way switch shared by the tasks of a run.
final class StopSwitch: Sendable {
    private let on = Locked(false)
    /// True for the call that turned it on.
    func set() -> Bool { on.withLock { on in defer { on = true }; return !on } }
    var isSet: Bool { on.withLock { $0 } }
}
