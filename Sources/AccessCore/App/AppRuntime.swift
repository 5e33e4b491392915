import Foundation

/// Everything one process needs, built from config.json: the wiring shared by the CLI, the daemon and
/// the console. It holds no logic of its own; that lives in Actions, Sync and Session.
public final class AppRuntime: Sendable {
    public let configPath: String
    public let config: AppConfig
    public let events: EventHub
    public let redactor: SecretRedactor
    public let logFile: EventLogFile
    public let masterDataDirectory: URL
    public let session: SessionManager
    public let tradingView: any TradingViewClient & CallCounting
    public let wordpress: WordPressClient
    public let actions: AccessActions
    /// The HMAC key of customers' fix links, in the vault (made on first need).
    public let fixLinkKeys: FixLinkKeyFile

    /// Throws `ConfigError` (exit 2) for anything wrong in the config or its folders.
    /// `actor` names this entry point in history and events (`ActorName`: the CLI, the console, the daemon).
    public static func open(configPath: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            actor: String = ActorName.cli()) throws -> AppRuntime {
        let config = try ConfigLoader.load(path: configPath, environment: environment)
        return try AppRuntime(configPath: configPath, config: config, environment: environment, actor: actor)
    }

    public init(configPath: String, config: AppConfig, environment: [String: String], actor: String = ActorName.cli()) throws {
        self.configPath = configPath
        self.config = config
        let file = configPath
        func issue(_ path: String, _ message: String) -> ConfigError { ConfigError([ConfigIssue(file: file, path: path, message: message)]) }

        let redactor = SecretRedactor()
        redactor.register(config.tradingview.apiKey?.resolve(environment))
        redactor.register(config.wordpress.auth?.secret?.resolve(environment))
        redactor.register(config.email?.password?.resolve(environment))
        self.redactor = redactor

        let events = EventHub()
        self.events = events
        let logsDir = config.resolvedPath(config.paths.logs, configPath: configPath)
        do {
            logFile = try EventLogFile(path: logsDir.appendingPathComponent("sync.log").path, redact: redactor.redact)
        } catch {
            throw issue("paths.logs", "\(error)")
        }
        let logFile = self.logFile
        events.addSink { logFile.write($0) }

        masterDataDirectory = config.resolvedPath(config.paths.masterData, configPath: configPath)
        do { try DurableFile.createDirectory(masterDataDirectory) } catch {
            throw issue("paths.master_data", "cannot create \(masterDataDirectory.path): \(error.localizedDescription)")
        }

        let vault = CookieVault(directory: config.resolvedPath(config.paths.vault, configPath: configPath), environment: environment)
        let fixLinkKeys = FixLinkKeyFile(directory: vault.directory, environment: environment)
        self.fixLinkKeys = fixLinkKeys
        if let cookies = try? vault.load() { redactor.register(cookies.sessionid); redactor.register(cookies.sessionidSign) }

        let tvConfig = config.tradingview
        do {
            tradingView = try TradingViewClientFactory.make(config: tvConfig, cookies: vault, environment: environment)
            let pendingDays = config.wordpress.pendingMaxDays ?? 14
            wordpress = try WordPressClient.make(config: config.wordpress, environment: environment, cursorFile: MemberPressCursorFile(
                path: masterDataDirectory.appendingPathComponent(".memberpress-cursor").path),
                watchFile: pendingDays == 0 ? nil : PendingWatchFile(path: masterDataDirectory.appendingPathComponent(".memberpress-watch").path,
                                                                     maxAge: TimeInterval(pendingDays) * 86_400))
        } catch {
            throw issue(error is RemoteError ? "tradingview" : "wordpress", String(describing: error))
        }
        let session = SessionManager(vault: vault, events: events, redactor: redactor) { provider in
            try TradingViewClientFactory.make(config: tvConfig, cookies: provider, environment: environment)
        }
        self.session = session

        var mailer: (any Mailer)?
        if let email = config.email, email.enabled != false {
            do { mailer = try SMTPMailer(config: email, environment: environment) } catch {
                throw issue("email", String(describing: error))
            }
        }
        var settings = SyncSettings(config: config)
        settings.sentMailPath = masterDataDirectory.appendingPathComponent(".invalid-name-mail").path
        settings.readBackPendingPath = masterDataDirectory.appendingPathComponent(".readback-pending").path
        if let base = config.server?.publicBaseUrl, !base.isEmpty {
            settings.fixLinks = FixLinkIssuer(baseURL: base, days: config.server?.fixLinkDays ?? FixLinkIssuer.defaultDays,
                                              keys: fixLinkKeys, onFailure: { why in events.emit(.error, .fixLinkFailed, why) })
        }
        if let template = config.email?.template {
            let path = config.resolvedPath(template, configPath: configPath).path
            do { settings.mailTemplate = try MailTemplate.load(path: path) } catch {
                throw issue("email.template", String(describing: error))
            }
        }
        actions = AccessActions(settings: settings, store: ScriptStoreOpener(directory: masterDataDirectory),
                                client: tradingView, source: wordpress, mailer: mailer, session: session, events: events,
                                runLock: FolderSyncLock(directory: masterDataDirectory), actorName: actor, engineActor: actor,
                                modes: ModeAuthority(config: config), onSessionStale: { session.markStale($0) })
    }

    /// Remote calls made by this process so far, by endpoint (TradingView and WordPress).
    public func callCounts() -> [String: Int] {
        tradingView.callCounts().merging(wordpress.callCounts()) { $0 + $1 }
    }

    /// The master data of every configured script as the files hold it, without taking any lock: the
    /// CLI's readers (export, queues) and the daemon's pages show it while a sync holds the scripts.
    /// For showing and counting: the processed transaction ids are left out, and all but each user's
    /// newest history entry (`ScriptStore.PeekDetail.display`). One script after another: a big one is
    /// read in chunks side by side already, and libdispatch runs a parallel loop inside another one serially.
    /// `.queues` leaves the users out too (counting and finding queue items).
    public func loadScripts(_ detail: ScriptStore.PeekDetail = .display) throws -> [ScriptAccess] {
        try config.scriptIds.map { id in
            var state = try ScriptStore.peek(directory: masterDataDirectory, scriptId: id, detail: detail)
            if state.title == nil { state.title = config.title(ofScript: id) }
            return state
        }
    }

    /// Every configured script as the console shows it (`ScriptSummary`: users in key order, newest
    /// history entry only, no dictionary), read like `loadScripts`. A script whose files do not read
    /// comes empty, with why (`unreadable`, by script id): one damaged file must not hide the others.
    public func loadSummaries() -> (scripts: [ScriptSummary], unreadable: [String: String]) {
        var unreadable: [String: String] = [:]
        let scripts = config.scriptIds.map { id in
            var summary: ScriptSummary
            do {
                summary = try ScriptStore.peekSummary(directory: masterDataDirectory, scriptId: id)
            } catch {
                summary = ScriptSummary(ScriptAccess(scriptId: id))
                unreadable[id] = String(describing: error)
            }
            if summary.title == nil { summary.title = config.title(ofScript: id) }
            return summary
        }
        return (scripts, unreadable)
    }
}
