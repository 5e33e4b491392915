import Foundation

/// Transactions from WordPress: the seed's since-endpoint, or MemberPress's REST API page by page.
public struct WordPressClient: TransactionSource, CallCounting {
    public static let defaultPerPage = 100
    /// A guard against a server that never returns a short page.
    static let maxPages = 100_000
    /// MemberPress pages requested together (the client's concurrency cap still applies).
    static let pageWindow = 4

    public let config: WordPressConfig
    /// Where MemberPress listings ended last run; nil: every run reads every page.
    public let cursorFile: MemberPressCursorFile?
    /// Payments seen pending, re-read by id until they complete; nil: not watched.
    public let watchFile: PendingWatchFile?
    let mapper: TransactionRecordMapper
    let authHeaders: [(name: String, value: String)]
    let http: ResilientHTTP

    public init(config: WordPressConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
                http: ResilientHTTP, cursorFile: MemberPressCursorFile? = nil, watchFile: PendingWatchFile? = nil) throws {
        self.config = config
        self.cursorFile = cursorFile
        self.watchFile = watchFile
        self.mapper = TransactionRecordMapper(style: config.style, usernameField: config.usernameField, productField: config.productField)
        self.authHeaders = try Self.authHeaders(config.auth, style: config.style, environment: environment)
        self.http = http
    }

    /// A client with its own libcurl transport and retry policy.
    public static func make(config: WordPressConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
                            transport: (any HTTPTransport)? = nil, timing: RetryTiming = .live,
                            cursorFile: MemberPressCursorFile? = nil, watchFile: PendingWatchFile? = nil) throws -> WordPressClient {
        let transport = transport ?? CurlTransport(options: .init(
            timeout: config.timeoutSeconds ?? 30, caBundle: config.caBundle, threads: 4, serviceName: "WordPress"))
        let http = ResilientHTTP(serviceName: "WordPress", transport: transport, policy: RetryPolicy(config.retries),
                                 perMinute: nil, concurrency: 4, timing: timing)
        return try WordPressClient(config: config, environment: environment, http: http, cursorFile: cursorFile, watchFile: watchFile)
    }

    public func callCounts() -> [String: Int] { http.callCounts() }
    public func callSeconds() -> [String: Double] { http.callSeconds() }

    public func transactions(since: Date?) async throws -> TransactionBatch {
        let batch: TransactionBatch
        switch config.style {
        case .sinceEndpoint: batch = try await sinceEndpoint(since: since)
        case .memberpress: batch = try await memberPress(since: since)
        }
        return Self.filter(batch, statuses: config.statusFilter, since: since)
    }

    public func acknowledge(_ ids: Set<String>) { watchFile?.acknowledge(ids) }

    /// Keeps the configured statuses, and moves what is dated before `since` to `older` (planned, never
    /// reported as new). Refunds and chargebacks stay whatever their age: a purchase refunded today may be
    /// months old, and each reaches manual review once (its review id is marked processed). Payments
    /// re-read from the pending watch stay too: they completed late.
    static func filter(_ batch: TransactionBatch, statuses: [String]?, since: Date?) -> TransactionBatch {
        let wanted = Set((statuses ?? []).map { $0.lowercased() })
        var result = batch
        result.transactions = []
        result.older = batch.older.filter { wanted.isEmpty || wanted.contains($0.status.rawValue) }
        for t in batch.transactions where wanted.isEmpty || wanted.contains(t.status.rawValue) {
            if t.status.needsReview || batch.watched.contains(t.id) || since.map({ t.createdAt >= $0 }) ?? true {
                result.transactions.append(t)
            } else {
                result.older.append(t)
            }
        }
        return result
    }

    private func sinceEndpoint(since: Date?) async throws -> TransactionBatch {
        var query: [(String, String)] = []
        if let since { query.append((config.sinceParam ?? "since", String(Int64(since.timeIntervalSince1970.rounded(.down))))) }
        let url = RemoteURL.withQuery(RemoteURL.join(config.baseUrl, config.transactionsEndpoint), query)
        return mapper.mapAll(try await fetchArray(url))
    }

    private func fetchArray(_ url: String) async throws -> [JSONValue] { try await fetchPage(url).records }

    /// One listing page and its totals headers.
    func fetchPage(_ url: String) async throws -> ListingPage {
        let request = HTTPRequest(method: "GET", url: url, headers: authHeaders + [("Accept", "application/json")])
        let response = try await http.send(request, endpoint: "wp.transactions")
        let secrets = authHeaders.map(\.value)
        switch response.status {
        case 200...299: break
        case 401, 403:
            throw RemoteError.notConfigured("WordPress refused the credentials (HTTP \(response.status)): check wordpress.auth; \(ResponseSnippet.make(response.body, redacting: secrets))")
        default:
            throw RemoteError.rejected(status: response.status, detail: "WordPress \(config.transactionsEndpoint): \(ResponseSnippet.make(response.body, redacting: secrets))")
        }
        guard case .array(let records)? = try? JSONValue.parse(response.body) else {
            throw RemoteError.malformed("WordPress \(config.transactionsEndpoint) did not answer a JSON array: \(ResponseSnippet.make(response.body, redacting: secrets))")
        }
        return ListingPage(records: records, total: response.headers["x-wp-total"].flatMap { Int($0) },
                           totalPages: response.headers["x-wp-totalpages"].flatMap { Int($0) })
    }

    static func authHeaders(_ auth: WordPressConfig.Auth?, style: WordPressConfig.Style,
                            environment: [String: String]) throws -> [(name: String, value: String)] {
        guard let auth, auth.type != .none else { return [] }
        guard let secret = auth.secret?.resolve(environment), !secret.isEmpty else {
            throw RemoteError.notConfigured("wordpress.auth.secret: \(auth.type.rawValue) auth needs a secret (value or env)")
        }
        switch auth.type {
        case .none:
            return []
        case .header:
            let name = auth.header ?? (style == .memberpress ? "MEMBERPRESS-API-KEY" : "Authorization")
            guard !HeaderSafety.hasLineBreak(name + secret), !name.contains(":") else {
                throw RemoteError.notConfigured("wordpress.auth: header name or secret contains a line break or colon")
            }
            return [(name, secret)]
        case .basic:
            guard let user = auth.username, !user.isEmpty else {
                throw RemoteError.notConfigured("wordpress.auth.username: basic auth needs a username")
            }
            return [("Authorization", "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString())]
        }
    }
}
