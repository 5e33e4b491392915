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
    let mapper: TransactionRecordMapper
    let authHeaders: [(name: String, value: String)]
    let http: ResilientHTTP

    public init(config: WordPressConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
                http: ResilientHTTP, cursorFile: MemberPressCursorFile? = nil) throws {
        self.config = config
        self.cursorFile = cursorFile
        self.mapper = TransactionRecordMapper(style: config.style, usernameField: config.usernameField, productField: config.productField)
        self.authHeaders = try Self.authHeaders(config.auth, style: config.style, environment: environment)
        self.http = http
    }

    /// A client with its own libcurl transport and retry policy.
    public static func make(config: WordPressConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
                            transport: (any HTTPTransport)? = nil, timing: RetryTiming = .live,
                            cursorFile: MemberPressCursorFile? = nil) throws -> WordPressClient {
        let transport = transport ?? CurlTransport(options: .init(
            timeout: config.timeoutSeconds ?? 30, caBundle: config.caBundle, threads: 4, serviceName: "WordPress"))
        let http = ResilientHTTP(serviceName: "WordPress", transport: transport, policy: RetryPolicy(config.retries),
                                 perMinute: nil, concurrency: 4, timing: timing)
        return try WordPressClient(config: config, environment: environment, http: http, cursorFile: cursorFile)
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

    /// Keeps the configured statuses and, when the server cannot filter by time, what is new enough.
    /// Refunds and chargebacks are kept whatever their age: a purchase refunded today may be months old,
    /// and each reaches manual review once (its review id is marked processed).
    static func filter(_ batch: TransactionBatch, statuses: [String]?, since: Date?) -> TransactionBatch {
        let wanted = Set((statuses ?? []).map { $0.lowercased() })
        var result = batch
        result.transactions = batch.transactions.filter { t in
            (wanted.isEmpty || wanted.contains(t.status.rawValue))
                && (t.status.needsReview || since.map { t.createdAt >= $0 } ?? true)
        }
        return result
    }

    private func sinceEndpoint(since: Date?) async throws -> TransactionBatch {
        var query: [(String, String)] = []
        if let since { query.append((config.sinceParam ?? "since", String(Int64(since.timeIntervalSince1970.rounded(.down))))) }
        let url = RemoteURL.withQuery(RemoteURL.join(config.baseUrl, config.transactionsEndpoint), query)
        return mapper.mapAll(try await fetchArray(url))
    }

    /// MemberPress filters by one status per request: one paging run per configured status, the runs side
    /// by side. With a `since` and a cursor from the last run, each run reads only the listing's tail.
    private func memberPress(since: Date?) async throws -> TransactionBatch {
        let statuses: [String?] = (config.statusFilter?.isEmpty ?? true) ? [nil] : config.statusFilter!.map { $0 }
        let perPage = max(1, config.perPage ?? Self.defaultPerPage)
        var cursor = cursorFile?.load(perPage: perPage) ?? MemberPressCursor(perPage: perPage)
        let hints = cursor.lastPage
        let runs = try await withThrowingTaskGroup(of: (Int, TransactionBatch, Int).self) { group in
            for (i, status) in statuses.enumerated() {
                // A refund of an old purchase sits at the old purchase's place in the refunds listing:
                // that listing (short: refunds are rare) is read whole every run.
                let whole = status.flatMap { TransactionStatus(rawValue: $0.lowercased()) }?.needsReview ?? false
                group.addTask {
                    let (batch, last) = try await self.memberPressPages(status: status, perPage: perPage, since: whole ? nil : since,
                                                                        hint: hints[status ?? ""])
                    return (i, batch, last)
                }
            }
            var out: [(Int, TransactionBatch, Int)] = []
            for try await run in group { out.append(run) }
            return out.sorted { $0.0 < $1.0 }
        }
        for (i, _, last) in runs { cursor.lastPage[statuses[i] ?? ""] = last }
        cursorFile?.save(cursor)
        return TransactionBatch(transactions: runs.flatMap(\.1.transactions), rejected: runs.flatMap(\.1.rejected))
    }

    /// The pages of one status, and the page the listing ended on.
    ///
    /// Without a `since` or a hint: every page from 1. With both: from the hinted page, stepping back
    /// while the earliest record read is not older than `since` (an earlier page may still hold newer
    /// purchases), so everything skipped is older than `since`: the listing is by id, ids grow with
    /// creation time, and the caller drops records older than `since` anyway.
    ///
    /// Reading forward, page 1 goes alone (a refused key or a short list ends there), then
    /// `pageWindow` pages at a time: a full page means more may follow, and asking for the next ones
    /// together hides a round trip per page. Pages after the first short one are ignored.
    private func memberPressPages(status: String?, perPage: Int, since: Date?, hint: Int?) async throws -> (TransactionBatch, Int) {
        var read: [Int: [JSONValue]] = [:]
        var first = 1
        if let since, let hint, hint > 1 {
            // The hinted page and the next together: new purchases are appended, so they fill the end of
            // the page the listing ended on last time and spill into the next.
            first = min(hint, Self.maxPages)
            for (offset, records) in try await fetchPages(first..<(first + 2), perPage: perPage, status: status).enumerated() {
                read[first + offset] = records
            }
            func olderThanSince(_ page: Int) -> Bool {
                read[page]!.first.flatMap(mapper.createdAt).map { $0 < since } ?? false
            }
            // Back a window of pages at a time, to the latest page that starts before `since`.
            while first > 1 && !olderThanSince(first) {
                let lowest = max(1, first - Self.pageWindow)
                for (offset, records) in try await fetchPages(lowest..<first, perPage: perPage, status: status).enumerated() {
                    read[lowest + offset] = records
                }
                first = (lowest..<first).last(where: olderThanSince) ?? lowest
            }
            for page in read.keys where page < first { read[page] = nil }
        }
        var batch = TransactionBatch(transactions: [], rejected: [])
        var previousFirst: JSONValue? = nil
        var page = first
        while page <= Self.maxPages {
            if read[page] == nil {
                let window = page == 1 ? 1 : Self.pageWindow
                for (offset, records) in try await fetchPages(page..<(page + window), perPage: perPage, status: status).enumerated() {
                    read[page + offset] = records
                }
            }
            let records = read.removeValue(forKey: page)!
            if page > first, let head = records.first, head == previousFirst {
                throw RemoteError.malformed("WordPress returned the same page twice: does \(config.transactionsEndpoint) honour `page`?")
            }
            previousFirst = records.first
            // Records older than `since` would be dropped after mapping anyway (an unreadable date is
            // mapped, to be rejected with its reason).
            let wanted = since.map { since in records.filter { mapper.createdAt($0).map { $0 >= since } ?? true } } ?? records
            let mapped = mapper.mapAll(wanted)
            batch.transactions += mapped.transactions
            batch.rejected += mapped.rejected
            if records.count < perPage { return (batch, page) }
            page += 1
        }
        return (batch, page - 1)
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
