import Foundation

/// Cookie actions (set / test / status) and the session's health, shared by console and CLI.
/// New cookies are tested against TradingView before they replace the stored ones.
public final class SessionManager: Sendable {
    public typealias ClientMaker = @Sendable (any CookieProvider) throws -> any TradingViewClient

    public let vault: CookieVault
    let makeClient: ClientMaker
    let events: EventHub
    let redactor: SecretRedactor
    let statusPath: String
    private let lock = NSLock()

    public init(vault: CookieVault, events: EventHub, redactor: SecretRedactor, makeClient: @escaping ClientMaker) {
        self.vault = vault; self.events = events; self.redactor = redactor; self.makeClient = makeClient
        self.statusPath = vault.directory.appendingPathComponent("session-status.json").path
    }

    /// The last known status, from the status file and the vault (no remote call).
    public func status() -> SessionStatus {
        var s = readStatus() ?? SessionStatus(state: .unknown)
        switch Result(catching: { try vault.load() }) {
        case .success(let cookies?): s.cookiesSavedAt = cookies.savedAt
        case .success(nil): s.state = .missing; s.lastResult = "no cookies saved: run `access-console cookies set`"
        case .failure(let e): s.state = .missing; s.lastResult = String(describing: e)
        }
        return s
    }

    /// Asks TradingView whether the stored session is still good (one cheap authenticated call).
    public func test() async -> SessionStatus {
        let current = status()
        if current.state == .missing { return current }
        let outcome = await check(provider: vault)
        var s = record(outcome)
        s.cookiesSavedAt = current.cookiesSavedAt
        return s
    }

    /// Tests the pasted cookies first and saves them only when TradingView accepts them.
    public func set(sessionid: String, sessionidSign: String) async throws -> SessionStatus {
        let id = sessionid.trimmingCharacters(in: .whitespacesAndNewlines)
        let sign = sessionidSign.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !id.isEmpty else { throw SessionError.emptyCookie("sessionid") }
        guard !sign.isEmpty else { throw SessionError.emptyCookie("sessionid_sign") }
        redactor.register(id); redactor.register(sign)
        let candidate = SessionCookies(sessionid: id, sessionidSign: sign)
        let outcome = await check(provider: FixedCookies(cookies: candidate))
        guard outcome.valid else {
            events.emit(.warning, .cookiesRejected, "new cookies not saved: \(outcome.detail)")
            throw SessionError.rejected(outcome.detail)
        }
        do { try vault.save(candidate) } catch { throw SessionError.vault(String(describing: error)) }
        var s = record(outcome)
        s.cookiesSavedAt = candidate.savedAt
        events.emit(.notice, .cookiesSaved, "session cookies tested and saved", fields: ["account": outcome.account ?? "?"])
        return s
    }

    /// Called by the engine on the first 401/403: remembered until the next successful test.
    public func markStale(_ detail: String) {
        _ = record(SessionCheck(valid: false, account: readStatus()?.account, detail: detail), announce: false)
    }

    // MARK: -

    private func check(provider: any CookieProvider) async -> SessionCheck {
        do {
            return try await makeClient(provider).checkSession()
        } catch let e as RemoteError {
            if case .sessionStale(let d) = e { return SessionCheck(valid: false, account: nil, detail: d) }
            return SessionCheck(valid: false, account: nil, detail: e.description)
        } catch {
            return SessionCheck(valid: false, account: nil, detail: String(describing: error))
        }
    }

    /// `announce` is false when the engine has already emitted its own `session.stale`.
    private func record(_ check: SessionCheck, announce: Bool = true) -> SessionStatus {
        let detail = redactor.redact(check.detail)
        let s = SessionStatus(state: check.valid ? .valid : .stale, lastCheck: Date(), lastResult: detail,
                              account: check.account ?? readStatus()?.account)
        lock.lock(); defer { lock.unlock() }
        if let data = try? Self.encoder.encode(s) {
            try? DurableFile.createDirectory(vault.directory)
            try? DurableFile.replace(statusPath, with: Array(data))
        }
        if announce {
            events.emit(check.valid ? .info : .warning, check.valid ? .sessionValid : .sessionStale, detail,
                        fields: check.account.map { ["account": $0] } ?? [:])
        }
        return s
    }

    private func readStatus() -> SessionStatus? {
        guard let data = FileManager.default.contents(atPath: statusPath) else { return nil }
        return try? Self.decoder.decode(SessionStatus.self, from: data)
    }

    static let encoder: JSONEncoder = { let e = JSONEncoder(); e.dateEncodingStrategy = TimeText.jsonEncoding; e.outputFormatting = .prettyPrinted; return e }()
    static let decoder: JSONDecoder = { let d = JSONDecoder(); d.dateDecodingStrategy = TimeText.jsonDecoding; return d }()
}

/// Cookies under test, before they are saved.
struct FixedCookies: CookieProvider {
    let cookies: SessionCookies
    func currentCookies() -> SessionCookies? { cookies }
}
