import Foundation

/// Transactions from WordPress: the seed's since-endpoint, or MemberPress's REST API page by page.
public struct WordPressClient: TransactionSource, CallCounting {
    public static let defaultPerPage = 50
    /// A guard against a server that never returns a short page.
    static let maxPages = 100_000
    /// MemberPress pages requested together (the client's concurrency cap still applies).
    static let pageWindow = 4

    public let config: WordPressConfig
    private let mapper: TransactionRecordMapper
    private let authHeaders: [(name: String, value: String)]
    private let http: ResilientHTTP

    public init(config: WordPressConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
                http: ResilientHTTP) throws {
        self.config = config
        self.mapper = TransactionRecordMapper(style: config.style, usernameField: config.usernameField, productField: config.productField)
        self.authHeaders = try Self.authHeaders(config.auth, style: config.style, environment: environment)
        self.http = http
    }

    /// A client with its own libcurl transport and retry policy.
    public static func make(config: WordPressConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
                            transport: (any HTTPTransport)? = nil, timing: RetryTiming = .live) throws -> WordPressClient {
        let transport = transport ?? CurlTransport(options: .init(
            timeout: config.timeoutSeconds ?? 30, caBundle: config.caBundle, threads: 4, serviceName: "WordPress"))
        let http = ResilientHTTP(serviceName: "WordPress", transport: transport, policy: RetryPolicy(),
                                 perMinute: nil, concurrency: 4, timing: timing)
        return try WordPressClient(config: config, environment: environment, http: http)
    }

    public func callCounts() -> [String: Int] { http.callCounts() }

    public func transactions(since: Date?) async throws -> TransactionBatch {
        let batch: TransactionBatch
        switch config.style {
        case .sinceEndpoint: batch = try await sinceEndpoint(since: since)
        case .memberpress: batch = try await memberPress(since: since)
        }
        return Self.filter(batch, statuses: config.statusFilter, since: since)
    }

    public var filtersSinceOnServer: Bool { config.style == .sinceEndpoint }

    /// Keeps the configured statuses and, when the server cannot filter by time, what is new enough.
    static func filter(_ batch: TransactionBatch, statuses: [String]?, since: Date?) -> TransactionBatch {
        let wanted = Set((statuses ?? []).map { $0.lowercased() })
        var result = batch.since(since)
        if !wanted.isEmpty { result.transactions = result.transactions.filter { wanted.contains($0.status.rawValue) } }
        return result
    }

    private func sinceEndpoint(since: Date?) async throws -> TransactionBatch {
        var query: [(String, String)] = []
        if let since { query.append((config.sinceParam ?? "since", String(Int64(since.timeIntervalSince1970.rounded(.down))))) }
        let url = RemoteURL.withQuery(RemoteURL.join(config.baseUrl, config.transactionsEndpoint), query)
        return mapper.mapAll(try await fetchArray(url))
    }

    /// MemberPress filters by one status per request: one paging run per configured status, the runs side
    /// by side (pages within one status follow each other: a short page ends it).
    private func memberPress(since: Date?) async throws -> TransactionBatch {
        let statuses: [String?] = (config.statusFilter?.isEmpty ?? true) ? [nil] : config.statusFilter!.map { $0 }
        let runs = try await withThrowingTaskGroup(of: (Int, TransactionBatch).self) { group in
            for (i, status) in statuses.enumerated() {
                group.addTask { (i, try await self.memberPressPages(status: status)) }
            }
            var out: [(Int, TransactionBatch)] = []
            for try await run in group { out.append(run) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return TransactionBatch(transactions: runs.flatMap(\.transactions), rejected: runs.flatMap(\.rejected))
    }

    /// Pages of one status: the first alone (a refused key or a short list ends there), then
    /// `pageWindow` at a time: a full page means more may follow, and asking for the next ones together
    /// hides a round trip per page. Pages after the first short one are ignored (empty on a consistent server).
    private func memberPressPages(status: String?) async throws -> TransactionBatch {
        let perPage = max(1, config.perPage ?? Self.defaultPerPage)
        var batch = TransactionBatch(transactions: [], rejected: [])
        var previousFirst: JSONValue? = nil
        var first = 1
        while first <= Self.maxPages {
            let window = first == 1 ? 1 : Self.pageWindow
            let pages = try await fetchPages(first..<(first + window), perPage: perPage, status: status)
            for (offset, records) in pages.enumerated() {
                if first + offset > 1, let head = records.first, head == previousFirst {
                    throw RemoteError.malformed("WordPress returned the same page twice: does \(config.transactionsEndpoint) honour `page`?")
                }
                previousFirst = records.first
                let mapped = mapper.mapAll(records)
                batch.transactions += mapped.transactions
                batch.rejected += mapped.rejected
                if records.count < perPage { return batch }
            }
            first += window
        }
        return batch
    }

    private func fetchPages(_ pages: Range<Int>, perPage: Int, status: String?) async throws -> [[JSONValue]] {
        try await withThrowingTaskGroup(of: (Int, [JSONValue]).self) { group in
            for page in pages {
                var query = [("page", String(page)), ("per_page", String(perPage))]
                if let status { query.append(("status", status)) }
                let url = RemoteURL.withQuery(RemoteURL.join(config.baseUrl, config.transactionsEndpoint), query)
                group.addTask { (page, try await self.fetchArray(url)) }
            }
            var byPage: [Int: [JSONValue]] = [:]
            for try await (page, records) in group { byPage[page] = records }
            return pages.map { byPage[$0] ?? [] }
        }
    }

    private func fetchArray(_ url: String) async throws -> [JSONValue] {
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
        return records
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
