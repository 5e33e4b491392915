import Foundation

/// What the access-API service wants to know about a grant beyond script, user and expiry.
public struct GrantContext: Sendable, Hashable {
    public var email: String?
    public var subscriptionType: String?
    public var wpUsername: String?
    public var remarks: String?
    public init(email: String? = nil, subscriptionType: String? = nil, wpUsername: String? = nil, remarks: String? = nil) {
        self.email = email; self.subscriptionType = subscriptionType; self.wpUsername = wpUsername; self.remarks = remarks
    }
}

/// A TradingView client that can pass the customer context along with writes. The engine checks for it
/// with `as? ContextualGrants`; the direct client has nowhere to send the context and does not conform.
public protocol ContextualGrants: TradingViewClient {
    func grant(scriptId: String, username: String, expiry: Date?, context: GrantContext) async throws -> GrantOutcome
    func modifyExpiration(scriptId: String, username: String, expiry: Date?, context: GrantContext) async throws
}

/// TradingView through seed 000's REST access service: JSON payloads and an API-key header.
public struct AccessAPIClient: ContextualGrants, CallCounting {
    public struct Paths: Sendable, Hashable {
        public var validate = "/tradingview/validate"
        public var grant = "/tradingview/access/grant"
        public var update = "/tradingview/access/update"
        public var revoke = "/tradingview/access/revoke"
        public var list = "/tradingview/access/list"

        public init() {}
        public init(_ endpoints: TradingViewConfig.Endpoints?) {
            guard let e = endpoints else { return }
            validate = e.validate ?? validate
            grant = e.grant ?? grant
            update = e.update ?? update
            revoke = e.revoke ?? revoke
            list = e.list ?? list
        }
    }

    /// The JSON body of grant, update and revoke; absent fields are sent as null, as the service expects.
    struct Payload: Encodable {
        var scriptId: String
        var username: String
        var email: String?
        var expiry: String?
        var subscription_type: String?
        var wp_username: String?
        var remarks: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(scriptId, forKey: .scriptId)
            try c.encode(username, forKey: .username)
            try c.encode(email, forKey: .email)
            try c.encode(expiry, forKey: .expiry)
            try c.encode(subscription_type, forKey: .subscription_type)
            try c.encode(wp_username, forKey: .wp_username)
            try c.encode(remarks, forKey: .remarks)
        }
        enum CodingKeys: String, CodingKey { case scriptId, username, email, expiry, subscription_type, wp_username, remarks }
    }

    public let baseURL: String
    public let paths: Paths
    private let apiKeyHeader: String
    private let apiKey: String
    private let http: ResilientHTTP

    public init(baseURL: String, paths: Paths = Paths(), apiKeyHeader: String = "X-API-Key", apiKey: String, http: ResilientHTTP) {
        self.baseURL = baseURL; self.paths = paths; self.apiKeyHeader = apiKeyHeader; self.apiKey = apiKey; self.http = http
    }

    public func callCounts() -> [String: Int] { http.callCounts() }
    public func callSeconds() -> [String: Double] { http.callSeconds() }

    public func validate(username: String) async throws -> String? {
        let name = username.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        struct Answer: Decodable { var valid: Bool; var username: String? }
        let body = try await get(RemoteURL.withQuery(RemoteURL.join(baseURL, paths.validate), [("username", name)]),
                                 endpoint: "tv.validate", call: "validate")
        guard let answer = try? JSONDecoder().decode(Answer.self, from: body) else {
            throw RemoteError.malformed("validate answer is not {valid, username}: \(ResponseSnippet.make(body, redacting: [apiKey]))")
        }
        return answer.valid ? (answer.username ?? name) : nil
    }

    public func listUsers(scriptId: String) async throws -> [RemoteAccess] {
        struct Answer: Decodable {
            struct User: Decodable { var username: String; var expiry: String? }
            var users: [User]
        }
        // One call, but a script's writes wait for it like for a list chain: it goes first at the gate.
        let body = try await get(RemoteURL.withQuery(RemoteURL.join(baseURL, paths.list), [("scriptId", scriptId)]),
                                 endpoint: "tv.list", call: "list", priority: .chain)
        guard let answer = try? JSONDecoder().decode(Answer.self, from: body) else {
            throw RemoteError.malformed("list answer is not {users: [...]}: \(ResponseSnippet.make(body, redacting: [apiKey]))")
        }
        return try answer.users.map { user in
            guard let text = user.expiry else { return RemoteAccess(username: user.username, expiry: nil) }
            guard let date = ISODate.parse(text) else {
                throw RemoteError.malformed("list: expiry \"\(text.prefix(40))\" for \(user.username) is not ISO-8601")
            }
            return RemoteAccess(username: user.username, expiry: date)
        }
    }

    public func grant(scriptId: String, username: String, expiry: Date?) async throws -> GrantOutcome {
        try await grant(scriptId: scriptId, username: username, expiry: expiry, context: GrantContext())
    }

    public func grant(scriptId: String, username: String, expiry: Date?, context: GrantContext) async throws -> GrantOutcome {
        let body = try await post(paths.grant, Self.payload(scriptId, username, expiry, context), endpoint: "tv.grant", call: "grant")
        // The service does not tell a first grant from a repeat; "exists" when it says so.
        return try DirectResponses.statusField(body, call: "grant") == "exists" ? .exists : .created
    }

    public func modifyExpiration(scriptId: String, username: String, expiry: Date?) async throws {
        try await modifyExpiration(scriptId: scriptId, username: username, expiry: expiry, context: GrantContext())
    }

    public func modifyExpiration(scriptId: String, username: String, expiry: Date?, context: GrantContext) async throws {
        let body = try await post(paths.update, Self.payload(scriptId, username, expiry, context), endpoint: "tv.update", call: "update")
        try DirectResponses.expectOK(body, call: "update")
    }

    public func remove(scriptId: String, username: String) async throws {
        let body = try await post(paths.revoke, Payload(scriptId: scriptId, username: username), endpoint: "tv.revoke", call: "revoke")
        try DirectResponses.expectOK(body, call: "revoke")
    }

    /// The service has no session of ours to check; an authenticated validate proves the API key works.
    public func checkSession() async throws -> SessionCheck {
        do {
            _ = try await validate(username: "tradingview")
            return SessionCheck(valid: true, account: nil, detail: "access API accepts the API key")
        } catch RemoteError.sessionStale(let detail) {
            return SessionCheck(valid: false, account: nil, detail: detail)
        }
    }

    static func payload(_ scriptId: String, _ username: String, _ expiry: Date?, _ context: GrantContext) -> Payload {
        Payload(scriptId: scriptId, username: username, email: context.email, expiry: expiry.map(ISODate.format),
                subscription_type: context.subscriptionType, wp_username: context.wpUsername, remarks: context.remarks)
    }

    // MARK: - Requests

    private var headers: [(name: String, value: String)] {
        [(apiKeyHeader, apiKey), ("Accept", "application/json")]
    }

    private func get(_ url: String, endpoint: String, call: String, priority: RequestPriority = .normal) async throws -> Data {
        let response = try await http.send(HTTPRequest(method: "GET", url: url, headers: headers), endpoint: endpoint,
                                           priority: priority)
        try check(response, call: call)
        return response.body
    }

    private func post(_ path: String, _ payload: Payload, endpoint: String, call: String) async throws -> Data {
        let body = try JSONEncoder().encode(payload)
        let request = HTTPRequest(method: "POST", url: RemoteURL.join(baseURL, path),
                                  headers: headers + [("Content-Type", "application/json")], body: body)
        let response = try await http.send(request, endpoint: endpoint)
        try check(response, call: call)
        return response.body
    }

    /// A refused API key stops writes like a stale session does: nothing will work until an admin fixes it.
    private func check(_ response: HTTPResponse, call: String) throws {
        if response.status == 401 {
            throw RemoteError.sessionStale("access API refused the API key on \(call) (HTTP 401): check tradingview.api_key")
        }
        guard let error = DirectResponses.error(status: response.status, body: response.body, call: call) else { return }
        throw error.redacting([apiKey])
    }
}
