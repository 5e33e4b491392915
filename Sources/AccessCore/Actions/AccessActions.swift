import Foundation

/// The one entry point for the console and the CLI: every change to access goes through here, is
/// journaled before its remote call, lands in the user's history with who/when/what/result, and emits
/// one event. Remote writes honour `dryRun`: logged, not sent, nothing persisted.
public final class AccessActions: Sendable {
    public let settings: SyncSettings
    public let store: any MasterDataProvider
    public let client: any TradingViewClient
    public let source: any TransactionSource
    public let mailer: (any Mailer)?
    public let events: EventHub
    /// The session's cookies and health: `setCookies` and `testSession` go through it (nil: not wired).
    public let session: SessionManager?
    public let runLock: (any SyncLockProvider)?
    /// Who acts (`ActorName`: console, CLI, daemon, ...), written into history entries and action events.
    public let actorName: String
    /// The engine of `sync` and of retry-queue actions.
    public let engine: SyncEngine
    /// Dry run and read-only for this process: every write asks it (`admit`), nobody else decides.
    public let modes: ModeAuthority
    let clock: @Sendable () -> Date

    public init(settings: SyncSettings, store: any MasterDataProvider, client: any TradingViewClient,
                source: any TransactionSource, mailer: (any Mailer)?, session: SessionManager?,
                events: EventHub, runLock: (any SyncLockProvider)?, actorName: String = ActorName.current(),
                engineActor: String = ActorName.legacySync,
                modes: ModeAuthority = ModeAuthority(ModePolicy(dryRun: false, readOnly: false)),
                clock: @escaping @Sendable () -> Date = { Date() },
                onSessionStale: (@Sendable (String) -> Void)? = nil) {
        self.settings = settings; self.store = store; self.client = client; self.source = source
        self.mailer = mailer; self.session = session; self.events = events; self.runLock = runLock
        self.actorName = actorName; self.clock = clock; self.modes = modes
        self.engine = SyncEngine(settings: settings, store: store, client: client, source: source, mailer: mailer,
                                 events: events, actor: engineActor, clock: clock, onSessionStale: onSessionStale)
    }

    public convenience init(config: AppConfig, store: any MasterDataProvider, client: any TradingViewClient,
                            source: any TransactionSource, mailer: (any Mailer)?, session: SessionManager?,
                            events: EventHub, runLock: (any SyncLockProvider)?, actorName: String = ActorName.current(),
                            engineActor: String = ActorName.legacySync,
                            modes: ModeAuthority? = nil, onSessionStale: (@Sendable (String) -> Void)? = nil) {
        self.init(settings: SyncSettings(config: config), store: store, client: client, source: source, mailer: mailer,
                  session: session, events: events, runLock: runLock, actorName: actorName, engineActor: engineActor,
                  modes: modes ?? ModeAuthority(config: config), onSessionStale: onSessionStale)
    }

    /// The same actions, recorded in history and events as done by `actor`, the engine's writes too
    /// (the daemon acts for a customer through `ActorName.customerViaLink`, for a webhook through
    /// `ActorName.webhook`). Shares this instance's store, clients and the engine's stop switch.
    public func acting(as actor: String) -> AccessActions { AccessActions(self, actorName: actor) }

    private init(_ other: AccessActions, actorName: String) {
        settings = other.settings; store = other.store; client = other.client; source = other.source
        mailer = other.mailer; session = other.session; events = other.events; runLock = other.runLock
        engine = other.engine.acting(as: actorName); clock = other.clock; modes = other.modes
        self.actorName = actorName
    }

    // MARK: shared plumbing

    var now: Date { clock().wholeSeconds }

    func checkScript(_ scriptId: String) throws {
        guard settings.scriptIds.contains(scriptId) else {
            throw ActionError.unknownScript(scriptId, known: settings.scriptIds)
        }
    }

    /// Opens the script for one action and releases it after.
    func withSession<T>(_ scriptId: String, dryRun: Bool, _ body: (ScriptSession) async throws -> T) async throws -> T {
        try checkScript(scriptId)
        let data: any ScriptMasterData
        do { data = try store.openScript(scriptId) } catch StoreError.locked {
            throw ActionError.scriptBusy(script: scriptId)
        } catch { throw ActionError.store(String(describing: error)) }
        let session = ScriptSession(data, provider: store, dryRun: dryRun)
        defer { session.close() }
        return try await body(session)
    }

    /// The dry-run flag a write runs with: the policy's, raised by the caller's request, never lowered.
    /// Throws when the mode forbids writes. Every write of this type passes here once.
    func admit(_ requested: Bool, writes: Bool = true) throws -> Bool {
        let mode = currentMode
        if writes && mode.readOnly { throw ActionError.refusedByMode(.readOnly) }
        return mode.dryRun || requested || !writes
    }

    /// Runs an action in the admitted mode and emits its one event: `<name>.ok`, `<name>.queued` (done,
    /// some of it waits in the retry queue), `<name>.would` (a dry run: nothing sent or kept), or
    /// `<name>.failed`. The body gets the dry-run flag it must honour.
    func audited<T>(_ name: ActionName, script: String? = nil, user: String? = nil, dryRun requested: Bool = false,
                    writes: Bool = true, _ body: (Bool) async throws -> (T, String)) async throws -> T {
        do {
            let dryRun = try admit(requested, writes: writes)
            let (value, message) = try await body(dryRun)
            let kind: EventKind = dryRun && writes ? .actionWould(name) : Self.leftQueued(value) ? .actionQueued(name) : .done(name)
            events.emit(kind == .actionQueued(name) ? .warning : .notice, kind, script: script, user: user,
                        dryRun && writes ? "dry run: \(message)" : message,
                        fields: ["actor": actorName, "dryRun": "\(dryRun && writes)"])
            return value
        } catch {
            let text = (error as? ActionError)?.description ?? String(describing: error)
            events.emit(.error, .actionFailed(name), script: script, user: user, text, fields: ["actor": actorName])
            if error is ActionError { throw error }
            throw ActionError.store(text)
        }
    }

    /// Whether an action's result left work in the retry queue instead of doing it.
    private static func leftQueued(_ value: Any) -> Bool {
        if let r = value as? ActionReport { return r.result == .queued }
        if let rs = value as? [ActionReport] { return rs.contains { $0.result == .queued } }
        if let s = value as? SyncSummary { return s.retry > 0 }
        return false
    }

    func commit(_ session: ScriptSession, _ changes: [AccessChange]) throws {
        do { try session.commit(changes) } catch { throw ActionError.store(String(describing: error)) }
    }

    /// A history line for a known user, for actions that change no expiry (dismiss, drop, failures).
    func note(_ session: ScriptSession, user: String, action: String, transactionId: String? = nil, result: String) throws {
        guard var u = session.state.user(user) else { return }
        u.history.append(HistoryEntry(at: now, actor: actorName, action: action, expiry: u.expiry,
                                      transactionId: transactionId, result: result))
        try commit(session, [.upsertUser(u)])
    }

    /// TradingView's spelling of a name: master data's when known there, else asked (invalid names throw).
    func canonicalName(_ typed: String, in session: ScriptSession?) async throws -> String {
        guard let normalized = Username.normalize(typed) else {
            throw ActionError.invalidUsername(typed, detail: "not a TradingView username")
        }
        if let known = session?.state.user(normalized) { return known.username }
        let canonical: String?
        do { canonical = try await client.validate(username: normalized) } catch {
            throw ActionError.from(RemoteError.wrap(error))
        }
        guard let canonical else {
            throw ActionError.invalidUsername(typed, detail: "TradingView has no user named \"\(normalized)\"")
        }
        return canonical
    }
}
