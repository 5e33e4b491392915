import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// A clock the tests hold still or move on: the engine and the actions read it for "now".
final class RigClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

/// Every event the hub emitted, kept for assertions.
final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [AccessEvent] = []
    func record(_ e: AccessEvent) { lock.withLock { events.append(e) } }
    var all: [AccessEvent] { lock.withLock { events } }
}

/// The whole product wired against an in-process sandbox: the repo's config.json with its URLs pointed at
/// the sandbox, real libcurl clients, a ScriptStore folder and a CookieVault in a temp data folder, the
/// JSON-lines log, and AccessActions as the one entry point. One rig per test; `close()` at the end.
final class TestRig: @unchecked Sendable {
    let sandbox: Sandbox
    let config: AppConfig
    let dataDir: URL
    let vault: CookieVault
    let events = EventHub()
    let recorder = EventRecorder()
    let clock: RigClock
    let client: any TradingViewClient & CallCounting
    let source: WordPressClient
    let actions: AccessActions
    private let logFile: EventLogFile
    private let errors = EventRecorder()

    static let alpha = DemoSeed.alphaTrendSuite
    static let momentum = DemoSeed.momentumPro
    static let volume = DemoSeed.volumeRadar
    static let lifetime = DemoSeed.lifetimeToolkit

    /// Secret values no file, event or error may contain.
    var secrets: [String] {
        [SandboxOptions.defaultSessionid, SandboxOptions.defaultSessionidSign, SandboxOptions.defaultMemberpressKey,
         SandboxOptions.defaultAccessApiKey] + extraSecrets.withLock { $0 }
    }
    private let extraSecrets = RigBox<[String]>([])

    /// `tvRetries`: HTTP-level attempts per TradingView call (1 lets every injected fault reach the engine).
    /// `backoffBase`: seconds before a failed item is due again (0 = due on the next run).
    /// `configure`: changes to the repo's config.json before the clients are made (page size, terms).
    static func make(tvRetries: Int = 3, backoffBase: TimeInterval = 60, seed: AccessSandbox.Seed = .demo,
                     configure: (inout AppConfig) -> Void = { _ in }) async throws -> TestRig {
        // The seed's expiries and the engine's "now" share one instant, so expected dates are exact.
        let start = Date().wholeSeconds
        let sandbox = try await Sandbox.start(SandboxOptions(seed: seed, referenceDate: start))
        do { return try TestRig(sandbox: sandbox, start: start, tvRetries: tvRetries, backoffBase: backoffBase, configure: configure) } catch {
            await sandbox.shutdown()
            throw error
        }
    }

    private init(sandbox: Sandbox, start: Date, tvRetries: Int, backoffBase: TimeInterval, configure: (inout AppConfig) -> Void) throws {
        self.sandbox = sandbox
        var config = try ConfigLoader.load(path: Self.repoConfigPath, environment: [:])
        config.wordpress.baseUrl = sandbox.baseURL
        config.tradingview.baseUrl = sandbox.baseURL
        config.tradingview.retries = RetryConfig(maxAttempts: tvRetries, baseDelayMs: 5, maxDelayMs: 50)
        config.tradingview.rateLimitPerMinute = 100_000
        config.tradingview.timeoutSeconds = 5
        config.email?.smtpUrl = sandbox.smtpURL
        configure(&config)
        self.config = config

        dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("synctest-\(UUID().uuidString)")
        let masterData = dataDir.appendingPathComponent(config.paths.masterData)
        try FileManager.default.createDirectory(at: masterData, withIntermediateDirectories: true)
        vault = CookieVault(directory: dataDir.appendingPathComponent(config.paths.vault), environment: [:])
        try vault.save(SessionCookies(sessionid: SandboxOptions.defaultSessionid,
                                      sessionidSign: SandboxOptions.defaultSessionidSign))

        logFile = try EventLogFile(path: dataDir.appendingPathComponent(config.paths.logs).appendingPathComponent("sync.log").path)
        let (logFile, recorder) = (self.logFile, self.recorder)
        events.addSink { logFile.write($0); recorder.record($0) }

        clock = RigClock(start)
        client = try TradingViewClientFactory.make(config: config.tradingview, cookies: vault, environment: [:])
        // Wired as AppRuntime wires it: the listing cursor and the pending watch beside master data.
        source = try WordPressClient.make(config: config.wordpress, environment: [:],
                                          cursorFile: MemberPressCursorFile(path: masterData.appendingPathComponent(".memberpress-cursor").path),
                                          watchFile: PendingWatchFile(path: masterData.appendingPathComponent(".memberpress-watch").path))
        let mailer = try SMTPMailer(config: config.email!, environment: [:])
        var settings = SyncSettings(config: config)
        settings.backoffBase = backoffBase
        settings.sentMailPath = masterData.appendingPathComponent(".invalid-name-mail").path
        settings.readBackPendingPath = masterData.appendingPathComponent(".readback-pending").path
        let clock = self.clock
        actions = AccessActions(settings: settings, store: ScriptStoreOpener(directory: masterData), client: client,
                                source: source, mailer: mailer, session: nil, events: events,
                                runLock: FolderSyncLock(directory: masterData), actorName: "tester",
                                clock: { clock.now })
    }

    static var repoConfigPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config.json").path
    }

    func close() async {
        await sandbox.shutdown()
        try? FileManager.default.removeItem(at: dataDir)
    }

    // MARK: reading state

    /// Master data of one script as the store has it now.
    func masterData(_ scriptId: String) throws -> ScriptAccess {
        let store = try ScriptStore.open(directory: dataDir.appendingPathComponent(config.paths.masterData), scriptId: scriptId)
        defer { store.close() }
        return store.state
    }

    func retryCount() throws -> Int { try scriptIds.reduce(0) { $0 + (try masterData($1).retryQueue.count) } }

    var scriptIds: [String] { actions.settings.scriptIds }

    /// The sandbox's access per script: username -> expiry (nil = lifetime).
    func remoteAccess() -> [String: [String: Date?]] {
        sandbox.snapshot().access.mapValues { entries in
            Dictionary(uniqueKeysWithValues: entries.map { ($0.username, $0.expiration) })
        }
    }

    /// The seed's WordPress transactions, read from the seed-style endpoint (not through the product's client).
    func sandboxTransactions() async throws -> [SandboxTransaction] {
        let response = try await CurlTransport().send(HTTPRequest(url: sandbox.baseURL + "/all-user-transactions"))
        try #require(response.status == 200)
        return try JSONDecoder().decode([SandboxTransaction].self, from: response.body)
    }

    /// The cookies now valid: a new pair in the sandbox and the vault, as `cookies set` does.
    func rotateSession() throws {
        let id = "fresh-sessionid-\(UUID().uuidString.prefix(8))", sign = "fresh-sign-\(UUID().uuidString.prefix(8))"
        extraSecrets.withLock { $0 += [id, sign] }
        sandbox.setSession(sessionid: id, sessionidSign: sign)
        try vault.save(SessionCookies(sessionid: id, sessionidSign: sign))
    }

    /// Notes an error's text, so the secrets check covers what a person would have been shown.
    func noteError(_ error: any Error) { noteText(String(describing: error)) }

    /// Notes any text shown to a person (command output, a summary), for the secrets check.
    func noteText(_ text: String) { errors.record(AccessEvent(kind: EventKind(name: "test.output"), message: text)) }

    /// No secret in any file of the data folder, any event, or any error seen.
    func expectNoSecrets(sourceLocation: SourceLocation = #_sourceLocation) throws {
        var texts: [(String, String)] = []
        let files = FileManager.default.enumerator(at: dataDir, includingPropertiesForKeys: nil)!
        for case let url as URL in files where !url.hasDirectoryPath {
            let data = try Data(contentsOf: url)
            texts.append((url.path, String(decoding: data, as: UTF8.self)))
        }
        #expect(texts.count >= 4, "expected snapshots/journals/log files in \(dataDir.path)", sourceLocation: sourceLocation)
        for e in recorder.all + errors.all {
            texts.append(("event \(e.name)", EventCoding.line(e)))
        }
        for (place, text) in texts {
            for secret in secrets {
                #expect(!text.contains(secret), "a secret appears in \(place)", sourceLocation: sourceLocation)
            }
        }
    }
}

/// A tiny lock-protected box (Synchronization.Mutex needs macOS 15; this runs everywhere).
final class RigBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) throws -> R) rethrows -> R { lock.lock(); defer { lock.unlock() }; return try body(&value) }
}
