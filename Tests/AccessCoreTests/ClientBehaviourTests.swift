import Foundation
import Testing
@testable import AccessCore

@Suite struct ResilientHTTPTests {
    func client(_ transport: ScriptedTransport, clock: VirtualClock, attempts: Int = 4, maxDelay: Double = 30) -> ResilientHTTP {
        ResilientHTTP(serviceName: "TradingView", transport: transport,
                      policy: RetryPolicy(maxAttempts: attempts, baseDelay: 0.5, maxDelay: maxDelay),
                      perMinute: nil, concurrency: 2, timing: clock.timing)
    }

    @Test func retries5xxWithBackoffThenSucceeds() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, n in n < 3 ? json(502, "bad gateway") : json(200, "{}") }
        let http = client(transport, clock: clock)
        let response = try await http.send(HTTPRequest(url: "http://x/"), endpoint: "tv.add")
        #expect(response.status == 200)
        #expect(clock.sleeps == [0.5, 1.0])            // random = 1: the full-jitter ceiling
        #expect(http.callCounts() == ["tv.add": 3])
    }

    @Test func honoursRetryAfterAndPausesEveryCaller() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, n in n == 1 ? json(429, "", headers: ["retry-after": "7"]) : json(200, "{}") }
        let http = client(transport, clock: clock)
        _ = try await http.send(HTTPRequest(url: "http://x/"), endpoint: "tv.list_users")
        let start = clock.now
        _ = try await http.send(HTTPRequest(url: "http://x/"), endpoint: "tv.add")
        #expect(clock.sleeps.first == 7)
        #expect(clock.now == start)                    // the pause is over once it has been waited out
        #expect(http.callCounts() == ["tv.list_users": 2, "tv.add": 1])
    }

    @Test func aPauseHoldsBackOtherRequests() async throws {
        let clock = VirtualClock()
        let gate = RequestGate(concurrency: 2, perMinute: nil, timing: clock.timing)
        await gate.pause(for: 12)
        try await gate.acquire()
        await gate.release()
        #expect(clock.sleeps == [12])
    }

    @Test func givesUpAsTransientAfterTheLastAttempt() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in json(503, "down") }
        let http = client(transport, clock: clock, attempts: 3)
        await #expect(throws: RemoteError.self) { try await http.send(HTTPRequest(url: "http://x/"), endpoint: "wp.transactions") }
        do {
            _ = try await http.send(HTTPRequest(url: "http://x/"), endpoint: "wp.transactions")
        } catch let error as RemoteError {
            #expect(error.isTransient)
            #expect(error.description.contains("HTTP 503"))
        }
        #expect(http.callCounts()["wp.transactions"] == 6)
    }

    @Test func longRetryAfterIsHandedToTheCallerAtOnce() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in json(429, "", headers: ["retry-after": "3600"]) }
        let http = client(transport, clock: clock, maxDelay: 30)
        do {
            _ = try await http.send(HTTPRequest(url: "http://x/"), endpoint: "tv.add")
            Issue.record("expected an error")
        } catch RemoteError.transient(_, let after) {
            #expect(after == 3600)
        }
        #expect(transport.requests.count == 1)
    }

    @Test func retriesTransportFailuresButNotOthers() async throws {
        let clock = VirtualClock()
        let flaky = ScriptedTransport { _, n in
            if n == 1 { throw RemoteError.transient("connection reset", retryAfter: nil) }
            return json(200, "{}")
        }
        _ = try await client(flaky, clock: clock).send(HTTPRequest(url: "http://x/"), endpoint: "e")
        #expect(flaky.requests.count == 2)
        let broken = ScriptedTransport { _, _ in throw RemoteError.notConfigured("bad URL") }
        await #expect(throws: RemoteError.notConfigured("bad URL")) {
            try await client(broken, clock: clock).send(HTTPRequest(url: "x"), endpoint: "e")
        }
        #expect(broken.requests.count == 1)
    }
}

@Suite struct DirectClientTests {
    static let cookies = FixedCookies(cookies: SessionCookies(sessionid: "sid-secret-123", sessionidSign: "sign-secret-456"))

    func direct(_ transport: ScriptedTransport, cookies: FixedCookies = cookies) -> DirectClient {
        DirectClient(baseURL: "http://tv.test", cookies: cookies,
                     http: ResilientHTTP(serviceName: "TradingView", transport: transport, policy: RetryPolicy(maxAttempts: 1),
                                         timing: VirtualClock().timing))
    }

    @Test func listUsersFollowsNextAndSendsTheSessionForm() async throws {
        let transport = ScriptedTransport { request, n in
            let next = n < 3 ? #""/pine_perm/list_users/?cursor=c\#(n)&limit=30&order_by=-created""# : "null"
            return json(200, #"{"results": [{"id": \#(n), "username": "user\#(n)", "expiration": null, "created": "2025-01-01T00:00:00Z"}], "next": \#(next)}"#)
        }
        let users = try await direct(transport).listUsers(scriptId: "PUB;abc")
        #expect(users.map(\.username) == ["user1", "user2", "user3"])
        let requests = transport.requests
        #expect(requests.map(\.url) == [
            "http://tv.test/pine_perm/list_users/?limit=30&order_by=-created",
            "http://tv.test/pine_perm/list_users/?cursor=c1&limit=30&order_by=-created",
            "http://tv.test/pine_perm/list_users/?cursor=c2&limit=30&order_by=-created",
        ])
        for request in requests {
            #expect(request.method == "POST")
            #expect(String(decoding: request.body ?? Data(), as: UTF8.self) == "pine_id=PUB%3Babc")
            #expect(header(request, "Cookie") == "sessionid=sid-secret-123; sessionid_sign=sign-secret-456")
            #expect(header(request, "Origin") == "https://www.tradingview.com")
            #expect(header(request, "X-Requested-With") == "XMLHttpRequest")
        }
        #expect(direct(transport).callCounts().isEmpty)   // counts belong to each client's own HTTP stack
    }

    @Test func grantSendsExpirationAndLifetimeOmitsIt() async throws {
        let transport = ScriptedTransport { _, n in json(n == 1 ? 201 : 200, #"{"status": "ok"}"#) }
        let client = direct(transport)
        let expiry = try #require(ISODate.parse("2026-12-24T00:00:00Z"))
        #expect(try await client.grant(scriptId: "PUB;abc", username: "Alice", expiry: expiry) == .created)
        try await client.modifyExpiration(scriptId: "PUB;abc", username: "Alice", expiry: nil)
        let forms = transport.requests.map { formFields($0.body) }
        #expect(forms[0] == ["pine_id": "PUB;abc", "username_recip": "Alice", "expiration": "2026-12-24T00:00:00Z"])
        #expect(forms[1] == ["pine_id": "PUB;abc", "username_recip": "Alice"])
        #expect(transport.requests[1].url == "http://tv.test/pine_perm/modify_user_expiration/")
    }

    @Test func noCookiesIsAStaleSessionWithoutACall() async throws {
        let transport = ScriptedTransport { _, _ in json(200, "{}") }
        let client = direct(transport, cookies: FixedCookies(cookies: nil))
        await #expect(throws: RemoteError.sessionStale("no session cookies set: run `access-console cookies set`")) {
            try await client.remove(scriptId: "PUB;a", username: "x")
        }
        #expect(try await client.checkSession().valid == false)
        #expect(transport.requests.isEmpty)
    }

    @Test func errorsNeverCarryTheCookies() async throws {
        let transport = ScriptedTransport { _, _ in json(403, #"{"detail": "login_required sid-secret-123"}"#) }
        do {
            _ = try await direct(transport).grant(scriptId: "PUB;a", username: "x", expiry: nil)
            Issue.record("expected an error")
        } catch let error as RemoteError {
            guard case .sessionStale(let detail) = error else { Issue.record("wrong error \(error)"); return }
            #expect(!detail.contains("sid-secret-123"))
        }
    }

    @Test func validateUsesTheHintWithoutCookies() async throws {
        let transport = ScriptedTransport { _, _ in json(200, #"[{"username": "TraderJoe"}]"#) }
        #expect(try await direct(transport).validate(username: "traderjoe") == "TraderJoe")
        #expect(transport.requests[0].url == "http://tv.test/username_hint/?s=traderjoe")
        #expect(header(transport.requests[0], "Cookie") == nil)
    }

    @Test func healthReportsTheAccount() async throws {
        let good = ScriptedTransport { _, _ in json(200, #"{"username": "vendor", "balance": 0}"#) }
        #expect(try await direct(good).checkSession() == SessionCheck(valid: true, account: "vendor", detail: "session is good"))
        let stale = ScriptedTransport { _, _ in json(403, #"{"detail": "login_required"}"#) }
        #expect(try await direct(stale).checkSession().valid == false)
    }
}

@Suite struct AccessAPIClientTests {
    @Test func sendsJSONPayloadsWithTheKey() async throws {
        let transport = ScriptedTransport { request, _ in
            request.url.contains("validate") ? json(200, #"{"valid": true, "username": "Alice"}"#) : json(200, #"{"status": "ok"}"#)
        }
        let client = AccessAPIClient(baseURL: "http://api.test/", apiKey: "k-123",
                                     http: ResilientHTTP(serviceName: "API", transport: transport, timing: VirtualClock().timing))
        #expect(try await client.validate(username: "alice") == "Alice")
        _ = try await client.grant(scriptId: "PUB;a", username: "Alice", expiry: nil,
                                   context: GrantContext(email: "a@example.com", subscriptionType: "1M", wpUsername: "alice", remarks: "tx 3"))
        let grant = transport.requests[1]
        #expect(grant.url == "http://api.test/tradingview/access/grant")
        #expect(header(grant, "X-API-Key") == "k-123")
        let payload = try JSONSerialization.jsonObject(with: grant.body ?? Data()) as? [String: Any]
        #expect(payload?["scriptId"] as? String == "PUB;a")
        #expect(payload?["email"] as? String == "a@example.com")
        #expect(payload?["subscription_type"] as? String == "1M")
        #expect(payload?["expiry"] is NSNull)
        #expect(client.callCounts() == ["tv.validate": 1, "tv.grant": 1])
    }

    @Test func factoryNeedsAnAPIKey() throws {
        let config = try JSONDecoder().decode(TradingViewConfig.self, from: Data(#"{"mode": "access_api", "base_url": "http://x"}"#.utf8))
        #expect(throws: RemoteError.self) {
            _ = try TradingViewClientFactory.make(config: config, cookies: FixedCookies(cookies: nil), environment: [:])
        }
    }
}

@Suite struct WordPressClientTests {
    func config(style: WordPressConfig.Style, statuses: [String]?, perPage: Int?) -> WordPressConfig {
        WordPressConfig(baseUrl: "http://wp.test", style: style,
                        transactionsEndpoint: style == .memberpress ? "/wp-json/mp/v1/transactions" : "/all-user-transactions",
                        sinceParam: nil, auth: .init(type: .header, header: nil, username: nil, secret: SecretRef(value: "mp-key")),
                        statusFilter: statuses, perPage: perPage, timeoutSeconds: nil,
                        usernameField: style == .memberpress ? "member.profile.mepr_tradingview_username" : "tradingview_username",
                        productField: nil, caBundle: nil)
    }

    static func mpRecord(_ id: Int, status: String = "complete", created: String = "2025-03-01 10:00:00") -> String {
        #"{"id": "\#(id)", "status": "\#(status)", "created_at": "\#(created)", "expires_at": "0000-00-00 00:00:00", "member": {"email": "m\#(id)@example.com", "profile": {"mepr_tradingview_username": "tv\#(id)"}}, "membership": {"id": "101"}}"#
    }

    @Test func pagesMemberPressUntilAShortPage() async throws {
        let transport = ScriptedTransport { request, _ in
            let page = Int(request.url.components(separatedBy: "page=")[1].prefix { $0.isNumber })!
            let ids = page < 3 ? [page * 10 + 1, page * 10 + 2] : [page * 10 + 1]
            return json(200, "[" + ids.map { Self.mpRecord($0) }.joined(separator: ",") + "]")
        }
        let client = try WordPressClient.make(config: config(style: .memberpress, statuses: ["complete"], perPage: 2),
                                              transport: transport, timing: VirtualClock().timing)
        let batch = try await client.transactions(since: nil)
        #expect(batch.transactions.map(\.id) == ["11", "12", "21", "22", "31"])
        // Page 1 alone, then pages 2-5 together: page 3 is short, so 4 and 5 (empty) end the run.
        // Newest first is asked for; this server ignores it (ids ascending), and without a `since` reads it all.
        #expect(transport.requests[0].url == "http://wp.test/wp-json/mp/v1/transactions?page=1&per_page=2&order=id&order_dir=DESC&status=complete")
        #expect(transport.requests.map(\.url).sorted() == (1...5).map { "http://wp.test/wp-json/mp/v1/transactions?page=\($0)&per_page=2&order=id&order_dir=DESC&status=complete" })
        #expect(header(transport.requests[0], "MEMBERPRESS-API-KEY") == "mp-key")
        #expect(client.callCounts() == ["wp.transactions": 5])
    }

    /// A MemberPress listing of `count` complete records, ids 1...count; ids above `oldUpTo` are new.
    final class Listing: @unchecked Sendable {
        let lock = NSLock()
        var count: Int
        let oldUpTo: Int
        init(count: Int, oldUpTo: Int) { self.count = count; self.oldUpTo = oldUpTo }
        func transport() -> ScriptedTransport {
            ScriptedTransport { request, _ in
                let page = Int(request.url.components(separatedBy: "page=")[1].prefix { $0.isNumber })!
                let (count, old) = self.lock.withLock { (self.count, self.oldUpTo) }
                let ids = Array(((page - 1) * 10 + 1)...(page * 10)).filter { $0 <= count }
                return json(200, "[" + ids.map { WordPressClientTests.mpRecord($0, created: $0 <= old ? "2025-01-01 00:00:00" : "2025-03-01 10:00:00") }
                    .joined(separator: ",") + "]")
            }
        }
        static func pages(_ t: ScriptedTransport) -> [Int] {
            t.requests.map { Int($0.url.components(separatedBy: "page=")[1].prefix { $0.isNumber })! }.sorted()
        }
    }

    func cursorClient(_ transport: ScriptedTransport, _ dir: TempDir, perPage: Int = 10) throws -> WordPressClient {
        try WordPressClient.make(config: config(style: .memberpress, statuses: ["complete"], perPage: perPage), transport: transport,
                                 timing: VirtualClock().timing, cursorFile: MemberPressCursorFile(path: dir.path("cursor")))
    }

    @Test func aCursorLetsLaterRunsReadOnlyTheTail() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let listing = Listing(count: 95, oldUpTo: 95)
        let full = listing.transport()
        #expect(try await cursorClient(full, dir).transactions(since: nil).transactions.count == 95)
        #expect(Listing.pages(full) == Array(1...13), "page 1, then 2-5, 6-9, 10-13: page 10 is the short one")

        listing.lock.withLock { listing.count = 103 }  // 8 new purchases: the end of page 10 and page 11
        let tail = listing.transport()
        let since = ISODate.parse("2025-02-01T00:00:00Z")!
        let batch = try await cursorClient(tail, dir).transactions(since: since)
        #expect(batch.transactions.map(\.id) == (96...103).map(String.init))
        #expect(Listing.pages(tail) == [1, 10, 11], "page 1 (shows the order: ascending), the page the listing ended on and the next")
    }

    @Test func aCursorStepsBackWhileEarlierPagesMayHoldNewPurchases() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let listing = Listing(count: 95, oldUpTo: 95)
        _ = try await cursorClient(listing.transport(), dir).transactions(since: nil)
        // The cursor says page 10, but purchases since `since` start at id 71 (page 8).
        let moved = Listing(count: 95, oldUpTo: 70)
        let tail = moved.transport()
        let batch = try await cursorClient(tail, dir).transactions(since: ISODate.parse("2025-02-01T00:00:00Z")!)
        #expect(batch.transactions.map(\.id) == (71...95).map(String.init))
        #expect(Listing.pages(tail) == [1, 6, 7, 8, 9, 10, 11],
                "page 1 (the order), 10 and 11, then 6-9 together; reading starts at 7, the latest page that starts before since")
    }

    @Test func aCursorPastTheEndOrForAnotherPageSizeLosesNothing() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        _ = try await cursorClient(Listing(count: 95, oldUpTo: 0).transport(), dir).transactions(since: nil)
        // Records deleted: the listing now ends on page 3, the cursor still says 10.
        let shrunk = Listing(count: 25, oldUpTo: 0).transport()
        let since = ISODate.parse("2025-02-01T00:00:00Z")!
        #expect(try await cursorClient(shrunk, dir).transactions(since: since).transactions.count == 25)
        // A different page size: the cursor's pages mean nothing, every page is read.
        let resized = Listing(count: 25, oldUpTo: 0).transport()
        #expect(try await cursorClient(resized, dir, perPage: 5).transactions(since: since).transactions.count == 25)
        #expect(resized.requests.first?.url.contains("page=1&") == true)
    }

    @Test func refundsOfOldPurchasesAreSeenWhateverTheirAge() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let transport = ScriptedTransport { request, _ in
            let page = Int(request.url.components(separatedBy: "page=")[1].prefix { $0.isNumber })!
            guard page == 1 else { return json(200, "[]") }
            return request.url.contains("status=refunded")
                ? json(200, "[" + Self.mpRecord(3, status: "refunded", created: "2024-06-01 10:00:00") + "]")
                : json(200, "[" + [Self.mpRecord(1, created: "2024-06-01 10:00:00"), Self.mpRecord(2, created: "2025-03-01 10:00:00")]
                    .joined(separator: ",") + "]")
        }
        let client = try WordPressClient.make(config: config(style: .memberpress, statuses: ["complete", "refunded"], perPage: 10),
                                              transport: transport, timing: VirtualClock().timing,
                                              cursorFile: MemberPressCursorFile(path: dir.path("cursor")))
        let batch = try await client.transactions(since: ISODate.parse("2025-02-01T00:00:00Z")!)
        #expect(batch.transactions.map(\.id).sorted() == ["2", "3"], "the old purchase is left alone, its refund is not")
    }

    @Test func filtersSinceClientSideForMemberPress() async throws {
        let transport = ScriptedTransport { _, _ in
            json(200, "[" + Self.mpRecord(1, created: "2025-01-01 00:00:00") + "," + Self.mpRecord(2, created: "2025-06-01 00:00:00") + "]")
        }
        let client = try WordPressClient.make(config: config(style: .memberpress, statuses: nil, perPage: 10),
                                              transport: transport, timing: VirtualClock().timing)
        let batch = try await client.transactions(since: ISODate.parse("2025-03-01T00:00:00Z"))
        #expect(batch.transactions.map(\.id) == ["2"])
        #expect(!transport.requests[0].url.contains("status="))
    }

    @Test func sinceEndpointSendsUnixSeconds() async throws {
        let transport = ScriptedTransport { _, _ in json(200, "[]") }
        let client = try WordPressClient.make(config: config(style: .sinceEndpoint, statuses: nil, perPage: nil),
                                              transport: transport, timing: VirtualClock().timing)
        _ = try await client.transactions(since: Date(timeIntervalSince1970: 1_700_000_000.7))
        #expect(transport.requests[0].url == "http://wp.test/all-user-transactions?since=1700000000")
    }

    @Test func refusedCredentialsAreAConfigProblem() async throws {
        let transport = ScriptedTransport { _, _ in json(401, #"{"code":"mp_auth_error","message":"bad key"}"#) }
        let client = try WordPressClient.make(config: config(style: .memberpress, statuses: nil, perPage: 10),
                                              transport: transport, timing: VirtualClock().timing)
        do {
            _ = try await client.transactions(since: nil)
            Issue.record("expected an error")
        } catch RemoteError.notConfigured(let detail) {
            #expect(detail.contains("wordpress.auth"))
        }
    }
}
