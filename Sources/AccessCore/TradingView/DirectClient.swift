import Foundation

/// TradingView reached directly with the account's session cookies (tradingview.com or the sandbox).
public struct DirectClient: TradingViewClient, CallCounting {
    public struct Paths: Sendable, Hashable {
        public var usernameHint = "/username_hint/"
        public var listUsers = "/pine_perm/list_users/"
        public var add = "/pine_perm/add/"
        public var modifyExpiration = "/pine_perm/modify_user_expiration/"
        public var remove = "/pine_perm/remove/"
        public var health = "/tvcoins/details/"

        public init() {}
        public init(_ endpoints: TradingViewConfig.Endpoints?) {
            guard let e = endpoints else { return }
            usernameHint = e.usernameHint ?? usernameHint
            listUsers = e.listUsers ?? listUsers
            add = e.add ?? add
            modifyExpiration = e.modifyExpiration ?? modifyExpiration
            remove = e.remove ?? remove
            health = e.health ?? health
        }
    }

    /// TradingView checks where writes come from; these match what its own pages send.
    static let origin = "https://www.tradingview.com"
    static let userAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
    static let noCookies = "no session cookies set: run `access-console cookies set`"

    public let baseURL: String
    public let paths: Paths
    private let cookies: any CookieProvider
    private let http: ResilientHTTP

    public init(baseURL: String, paths: Paths = Paths(), cookies: any CookieProvider, http: ResilientHTTP) {
        self.baseURL = baseURL; self.paths = paths; self.cookies = cookies; self.http = http
    }

    public func callCounts() -> [String: Int] { http.callCounts() }
    public func callSeconds() -> [String: Double] { http.callSeconds() }

    public func validate(username: String) async throws -> String? {
        try await account(username: username)?.username
    }

    public func account(username: String) async throws -> RemoteAccount? {
        let name = username.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        let url = RemoteURL.withQuery(RemoteURL.join(baseURL, paths.usernameHint), [("s", name)])
        // No cookie: the hint needs no login, and validation should work even with a stale session.
        let request = HTTPRequest(method: "GET", url: url, headers: Self.browserHeaders())
        let response = try await http.send(request, endpoint: "tv.username_hint")
        try check(response, call: "username_hint", secrets: [])
        return try DirectResponses.account(name, hintBody: response.body)
    }

    public func listUsers(scriptId: String) async throws -> [RemoteAccess] {
        var chain = ListChain()
        var cursor: ListCursor?
        repeat {
            cursor = try chain.add(try await listPage(scriptId: scriptId, after: cursor))
        } while cursor != nil
        return chain.users
    }

    public func listPage(scriptId: String, after cursor: ListCursor?) async throws -> ListPage {
        let session = try sessionCookies()
        let url = cursor?.value ?? RemoteURL.withQuery(RemoteURL.join(baseURL, paths.listUsers), [("limit", "30"), ("order_by", "-created")])
        // Each page's address comes with the one before: a chain, so its pages go first at the gate.
        let response = try await post(url, form: [("pine_id", scriptId)], endpoint: "tv.list_users", session: session,
                                      priority: .chain)
        try check(response, call: "list_users", secrets: session.secrets)
        let page = try DirectResponses.listPage(response.body)
        return ListPage(users: page.users,
                        next: page.next.map { ListCursor(RemoteURL.follow($0, base: baseURL, currentPath: paths.listUsers)) })
    }

    public func grant(scriptId: String, username: String, expiry: Date?) async throws -> GrantOutcome {
        let session = try sessionCookies()
        let response = try await post(RemoteURL.join(baseURL, paths.add), form: Self.accessForm(scriptId, username, expiry),
                                      endpoint: "tv.add", session: session)
        try check(response, call: "add", secrets: session.secrets)
        return try DirectResponses.grantOutcome(status: response.status, body: response.body)
    }

    public func modifyExpiration(scriptId: String, username: String, expiry: Date?) async throws {
        let session = try sessionCookies()
        let response = try await post(RemoteURL.join(baseURL, paths.modifyExpiration),
                                      form: Self.accessForm(scriptId, username, expiry),
                                      endpoint: "tv.modify_expiration", session: session)
        try check(response, call: "modify_user_expiration", secrets: session.secrets)
        try DirectResponses.expectOK(response.body, call: "modify_user_expiration")
    }

    public func remove(scriptId: String, username: String) async throws {
        let session = try sessionCookies()
        let response = try await post(RemoteURL.join(baseURL, paths.remove),
                                      form: [("pine_id", scriptId), ("username_recip", username)],
                                      endpoint: "tv.remove", session: session)
        try check(response, call: "remove", secrets: session.secrets)
        try DirectResponses.expectOK(response.body, call: "remove")
    }

    public func checkSession() async throws -> SessionCheck {
        guard let session = cookies.currentCookies(), !session.sessionid.isEmpty else {
            return SessionCheck(valid: false, account: nil, detail: cookies.unavailableReason() ?? Self.noCookies)
        }
        let request = HTTPRequest(method: "GET", url: RemoteURL.join(baseURL, paths.health),
                                  headers: Self.browserHeaders() + [("Cookie", Self.cookieHeader(session))])
        let response = try await http.send(request, endpoint: "tv.health")
        switch DirectResponses.error(status: response.status, body: response.body, call: "tvcoins") {
        case nil:
            struct Account: Decodable { var username: String? }
            let account = (try? JSONDecoder().decode(Account.self, from: response.body))?.username
            return SessionCheck(valid: true, account: account, detail: "session is good")
        case .sessionStale(let detail)?:
            return SessionCheck(valid: false, account: nil, detail: ResponseSnippet.make(Data(detail.utf8), redacting: session.secrets))
        case let other?:
            throw other
        }
    }

    // MARK: - Requests

    /// The form the grant and modify calls share; no `expiration` means lifetime.
    static func accessForm(_ scriptId: String, _ username: String, _ expiry: Date?) -> [(String, String)] {
        var form = [("pine_id", scriptId), ("username_recip", username)]
        if let expiry { form.append(("expiration", ISODate.format(expiry))) }
        return form
    }

    static func browserHeaders() -> [(name: String, value: String)] {
        [("Origin", origin), ("Referer", origin + "/"), ("X-Requested-With", "XMLHttpRequest"),
         ("User-Agent", userAgent), ("Accept", "application/json")]
    }

    static func cookieHeader(_ session: SessionCookies) -> String {
        "sessionid=\(session.sessionid); sessionid_sign=\(session.sessionidSign)"
    }

    private func sessionCookies() throws -> SessionCookies {
        guard let session = cookies.currentCookies(), !session.sessionid.isEmpty, !session.sessionidSign.isEmpty else {
            throw RemoteError.sessionStale(cookies.unavailableReason() ?? Self.noCookies)
        }
        return session
    }

    private func post(_ url: String, form: [(String, String)], endpoint: String, session: SessionCookies,
                      priority: RequestPriority = .normal) async throws -> HTTPResponse {
        let headers = Self.browserHeaders() + [
            ("Cookie", Self.cookieHeader(session)),
            ("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"),
        ]
        let request = HTTPRequest(method: "POST", url: url, headers: headers, body: Data(FormEncoding.encode(form).utf8))
        return try await http.send(request, endpoint: endpoint, priority: priority)
    }

    private func check(_ response: HTTPResponse, call: String, secrets: [String]) throws {
        guard let error = DirectResponses.error(status: response.status, body: response.body, call: call) else { return }
        throw error.redacting(secrets)
    }
}

extension SessionCookies {
    var secrets: [String] { [sessionid, sessionidSign] }
}

extension RemoteError {
    /// The same error with any of `secrets` cut out of its text.
    func redacting(_ secrets: [String]) -> RemoteError {
        func clean(_ text: String) -> String {
            secrets.filter { $0.count >= 4 }.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
        }
        switch self {
        case .sessionStale(let d): return .sessionStale(clean(d))
        case .transient(let d, let after): return .transient(clean(d), retryAfter: after)
        case .rejected(let s, let d): return .rejected(status: s, detail: clean(d))
        case .malformed(let d): return .malformed(clean(d))
        case .notConfigured(let d): return .notConfigured(clean(d))
        }
    }
}
