import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// The access-API client, both WordPress endpoint styles and the SMTP mailer against the sandbox.
extension ClientIntegrationTests {
    // MARK: - AccessAPIClient

    @Test func accessAPIValidatesGrantsUpdatesListsAndRevokes() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox, mode: "access_api", cookies: nil)
            #expect(client is AccessAPIClient)
            #expect(try await client.validate(username: "hedgehelen") == "HedgeHelen")
            #expect(try await client.validate(username: "TraderJo") == nil)
            #expect(try await client.checkSession().valid)

            let expiry = wholeSeconds(daysFromNow: 30)
            let contextual = try #require(client as? ContextualGrants)
            let context = GrantContext(email: "rick@example.com", subscriptionType: "101", wpUsername: "rick", remarks: "itest")
            #expect(try await contextual.grant(scriptId: alpha, username: "RiskRick", expiry: expiry, context: context) == .created)
            var state = sandbox.snapshot()
            #expect(state.access[alpha]?.first { $0.username == "RiskRick" }?.expiration == expiry)
            #expect(state.writes.last.map { [$0.op, $0.via] } == ["add", "access_api"])

            try await client.modifyExpiration(scriptId: alpha, username: "RiskRick", expiry: nil)
            state = sandbox.snapshot()
            #expect(state.access[alpha]?.first { $0.username == "RiskRick" }.map { $0.expiration == nil } == true)
            #expect(state.writes.last?.op == "modify")

            let listed = try await client.listUsers(scriptId: alpha)
            let truth = state.access[alpha] ?? []
            #expect(listed.map(\.username) == truth.map(\.username))
            #expect(listed.map(\.expiry) == truth.map(\.expiration))

            try await client.remove(scriptId: alpha, username: "RiskRick")
            state = sandbox.snapshot()
            #expect(state.access[alpha]?.contains { $0.username == "RiskRick" } == false)
            #expect(state.writes.map(\.op) == ["add", "modify", "remove"])
            #expect(state.writes.allSatisfy { $0.via == "access_api" })

            let noAccess = await thrownError { try await client.modifyExpiration(scriptId: alpha, username: "RiskRick", expiry: expiry) }
            #expect(noAccess.map { isCase($0, "rejected 404") } == true)
            let unknownScript = await thrownError { _ = try await client.listUsers(scriptId: "PUB;not-ours") }
            #expect(unknownScript.map { isCase($0, "rejected 404") } == true)
        }
    }

    @Test func accessAPIWithAWrongKeyIsStaleAndNeverWrites() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox, mode: "access_api", cookies: nil, apiKey: "wrong-api-key-999")
            let validate = await thrownError { _ = try await client.validate(username: "TraderJoe") }
            #expect(validate.map { isCase($0, "sessionStale") } == true)
            let grant = await thrownError { _ = try await client.grant(scriptId: alpha, username: "RiskRick", expiry: nil) }
            #expect(grant.map { isCase($0, "sessionStale") } == true)
            #expect(!"\(grant.map { "\($0)" } ?? "")".contains("wrong-api-key-999"))
            let check = try await client.checkSession()
            #expect(!check.valid)
            #expect(sandbox.snapshot().writes.isEmpty)
        }
    }

    // MARK: - WordPressClient

    private func memberPressConfig(_ sandbox: Sandbox, key: String = SandboxOptions.defaultMemberpressKey,
                                   statuses: String = "null", attempts: Int = 4, maxDelayMs: Int = 20) throws -> WordPressConfig {
        try decodeConfig(WordPressConfig.self, """
        {"base_url": "\(sandbox.baseURL)", "style": "memberpress",
         "transactions_endpoint": "/wp-json/mp/v1/transactions",
         "auth": {"type": "header", "secret": {"value": "\(key)"}},
         "status_filter": \(statuses), "per_page": 7, "timeout_seconds": 5,
         "retries": {"max_attempts": \(attempts), "base_delay_ms": 2, "max_delay_ms": \(maxDelayMs)},
         "username_field": "member.profile.mepr_tradingview_username"}
        """)
    }

    // MARK: - WordPressClient under the fault switch (routes: WordPress only)

    private static let wordPressRoutes = ["/wp-json/"]

    @Test func wordPressErrorsAndResetsAreRetriedUntilEveryPageIsRead() async throws {
        try await withLiveSandbox { sandbox in
            let clean = try await WordPressClient.make(config: memberPressConfig(sandbox), environment: [:], timing: fastTiming)
                .transactions(since: nil)
            let sentBefore = sandbox.snapshot().calls["/wp-json/mp/v1/transactions"] ?? 0
            sandbox.setFaults(Faults(errorRate: 0.3, resetRate: 0.2, seed: 11, routes: Self.wordPressRoutes))
            let client = try WordPressClient.make(config: memberPressConfig(sandbox, attempts: 10), environment: [:], timing: fastTiming)
            let batch = try await client.transactions(since: nil)
            #expect(batch.transactions.map(\.id) == clean.transactions.map(\.id), "the same transactions, in the same order")
            let sent = sandbox.snapshot().calls["/wp-json/mp/v1/transactions"] ?? 0
            // libcurl itself asks again, once, when a reused connection dies before any answer (a reset
            // here), so the sandbox may see more requests than the client counted; never fewer.
            let counted = client.callCounts()["wp.transactions"] ?? 0
            #expect(counted <= sent - sentBefore)
            #expect(counted > sentBefore, "some pages failed and were asked again")
        }
    }

    @Test func wordPressFailingEveryTimeIsTransientAfterTheConfiguredAttempts() async throws {
        try await withLiveSandbox { sandbox in
            sandbox.setFaults(Faults(errorRate: 1.0, errorStatus: 502, routes: Self.wordPressRoutes))
            let client = try WordPressClient.make(config: memberPressConfig(sandbox, attempts: 3), environment: [:], timing: fastTiming)
            let error = await thrownError { _ = try await client.transactions(since: nil) }
            #expect(error.map { isCase($0, "transient") } == true)
            #expect("\(error.map { "\($0)" } ?? "")".contains("3 attempts"))
            #expect(client.callCounts()["wp.transactions"] == 3, "page 1 alone, three times")
        }
    }

    @Test func wordPressRateLimitIsHonouredThenEveryPageRead() async throws {
        try await withLiveSandbox { sandbox in
            sandbox.setFaults(Faults(rateLimitEvery: 8, retryAfterS: 1, routes: Self.wordPressRoutes))
            let client = try WordPressClient.make(config: memberPressConfig(sandbox, maxDelayMs: 2000), environment: [:], timing: fastTiming)
            let started = Date()
            let batch = try await client.transactions(since: nil)
            #expect(batch.transactions.count == sandbox.snapshot().transactionCount)
            #expect(Date().timeIntervalSince(started) >= 0.95, "Retry-After: 1 paused the client")
        }
    }

    @Test func wordPressAskingForALongerWaitThanAllowedIsTransientAtOnce() async throws {
        try await withLiveSandbox { sandbox in
            sandbox.setFaults(Faults(rateLimitEvery: 1, retryAfterS: 60, routes: Self.wordPressRoutes))
            let client = try WordPressClient.make(config: memberPressConfig(sandbox, maxDelayMs: 2000), environment: [:], timing: fastTiming)
            let started = Date()
            let error = await thrownError { _ = try await client.transactions(since: nil) }
            #expect(error.map { isCase($0, "transient") } == true)
            #expect(Date().timeIntervalSince(started) < 1, "not waited out: the sync reports it and the next run tries again")
            #expect(client.callCounts()["wp.transactions"] == 1)
        }
    }

    @Test func wordPressAnsweringHTMLIsMalformedNamingTheEndpoint() async throws {
        try await withLiveSandbox { sandbox in
            sandbox.setFaults(Faults(malformedRate: 1.0, routes: Self.wordPressRoutes))
            let client = try WordPressClient.make(config: memberPressConfig(sandbox), environment: [:], timing: fastTiming)
            let error = await thrownError { _ = try await client.transactions(since: nil) }
            #expect(error.map { isCase($0, "malformed") } == true)
            let text = "\(error.map { "\($0)" } ?? "")"
            #expect(text.contains("/wp-json/mp/v1/transactions") && text.contains("did not answer a JSON array"))
            #expect(!text.contains(SandboxOptions.defaultMemberpressKey))
            #expect(client.callCounts()["wp.transactions"] == 1, "a 200 that is not JSON is not retried")
        }
    }

    @Test func wordPressLatencyIsWaitedOutPageByPage() async throws {
        try await withLiveSandbox { sandbox in
            sandbox.setFaults(Faults(latencyMs: 30, routes: Self.wordPressRoutes))
            let client = try WordPressClient.make(config: memberPressConfig(sandbox), environment: [:], timing: fastTiming)
            let started = Date()
            let batch = try await client.transactions(since: nil)
            let elapsed = Date().timeIntervalSince(started)
            #expect(batch.transactions.count == sandbox.snapshot().transactionCount)
            // Every page waited out its latency (at least page 1 and two windows after it). Whether a
            // window's pages overlap on the server depends on the machine's load, so it is not asserted.
            #expect(elapsed >= 0.09)
        }
    }

    @Test func memberPressPagesByPerPageAndMapsStringFields() async throws {
        try await withLiveSandbox { sandbox in
            // 42 = six full pages of 7: the client must read an empty page to know it is done. Pages go
            // 1, then 2-5, then 6-9 (7 is the first empty one; 8 and 9 were asked for in the same window).
            sandbox.addTransactions((0..<2).map { index in
                SandboxTransaction(id: 0, productId: 105, email: "late\(index)@example.com", wpUsername: "late\(index)",
                                   tradingviewUsername: "RiskRick", status: "complete", createdAt: Date(), expiresAt: nil)
            })
            let client = try WordPressClient.make(config: memberPressConfig(sandbox), environment: [:], timing: fastTiming)
            let batch = try await client.transactions(since: nil)
            let total = sandbox.snapshot().transactionCount
            #expect(total == 42)
            #expect(batch.transactions.count == total)
            #expect(batch.rejected.isEmpty)
            #expect(Set(batch.transactions.map(\.id)).count == total)
            #expect(client.callCounts()["wp.transactions"] == 9)
            #expect(sandbox.snapshot().calls["/wp-json/mp/v1/transactions"] == 9)

            let byId = Dictionary(uniqueKeysWithValues: batch.transactions.map { ($0.id, $0) })
            let kate = try #require(byId["5"])
            #expect(kate.productId == "104")
            #expect(kate.tradingViewUsername == "CryptoKate")
            #expect(kate.email == "kate@example.com")
            #expect(kate.wpUsername == "kate")
            #expect(kate.amount == "499.00")
            #expect(kate.status == .complete)
            #expect(kate.expiresAt == nil, "lifetime 0000-00-00 00:00:00")
            let joe = try #require(byId["1"])
            #expect(joe.productId == "101")
            #expect(joe.amount == "29.00")
            let joeExpiry = try #require(joe.expiresAt)
            #expect(joeExpiry > joe.createdAt.addingTimeInterval(27 * 86_400))
            #expect(byId["8"]?.tradingViewUsername == "@PipHunter", "names arrive as typed; normalizing is the engine's job")
            #expect(byId["14"]?.tradingViewUsername == "")
        }
    }

    @Test func memberPressStatusFilterMatchesTheSinceEndpoint() async throws {
        try await withLiveSandbox { sandbox in
            let filtered = try WordPressClient.make(config: memberPressConfig(sandbox, statuses: #"["complete", "confirmed"]"#),
                                                    environment: [:], timing: fastTiming)
            let batch = try await filtered.transactions(since: nil)
            #expect(batch.transactions.allSatisfy { $0.status == .complete || $0.status == .confirmed })
            #expect(batch.transactions.contains { $0.status == .confirmed })

            // The same data through the other endpoint style, filtered here.
            let all = try await WordPressClient.make(config: sinceConfig(sandbox), environment: [:], timing: fastTiming)
                .transactions(since: nil).transactions
            #expect(all.count == sandbox.snapshot().transactionCount)
            let expected = all.filter { $0.status == .complete || $0.status == .confirmed }
            #expect(expected.count < all.count)
            #expect(batch.transactions.map(\.id).sorted() == expected.map(\.id).sorted())
        }
    }

    @Test func memberPressWithAWrongKeyIsAConfigErrorWithoutTheKey() async throws {
        try await withLiveSandbox { sandbox in
            let client = try WordPressClient.make(config: memberPressConfig(sandbox, key: "wrong-mp-key-777"),
                                                  environment: [:], timing: fastTiming)
            let error = await thrownError { _ = try await client.transactions(since: nil) }
            #expect(error.map { isCase($0, "notConfigured") } == true)
            let text = "\(error.map { "\($0)" } ?? "")"
            #expect(text.contains("401"))
            #expect(!text.contains("wrong-mp-key-777"))
            #expect(client.callCounts()["wp.transactions"] == 1, "a refused key is not retried")
        }
    }

    private func sinceConfig(_ sandbox: Sandbox) throws -> WordPressConfig {
        try decodeConfig(WordPressConfig.self, """
        {"base_url": "\(sandbox.baseURL)", "style": "since_endpoint",
         "transactions_endpoint": "/all-user-transactions", "auth": {"type": "none"},
         "timeout_seconds": 5, "username_field": "tradingview_username"}
        """)
    }

    @Test func sinceEndpointSendsSinceAndMapsFlatRecords() async throws {
        try await withLiveSandbox { sandbox in
            let transport = RecordingTransport(threads: 2)
            let client = try WordPressClient.make(config: sinceConfig(sandbox), environment: [:], transport: transport, timing: fastTiming)
            let all = try await client.transactions(since: nil)
            #expect(all.transactions.count == 40)
            let kate = try #require(all.transactions.first { $0.id == "5" })
            #expect(kate.productId == "104")
            #expect(kate.expiresAt == nil)
            #expect(kate.wpUsername == "kate")
            #expect(all.transactions.first { $0.id == "9" }?.tradingViewUsername == "https://www.tradingview.com/u/ChartWizard/")

            // Three purchases after a cut-off an hour ago; every seed transaction is older.
            let now = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970))
            let ids = sandbox.addTransactions((1...3).map { minutes in
                SandboxTransaction(id: 0, productId: 101, email: "new\(minutes)@example.com", wpUsername: "new\(minutes)",
                                   tradingviewUsername: "QuantQuinn", status: "complete",
                                   createdAt: now.addingTimeInterval(Double(-minutes * 60)),
                                   expiresAt: now.addingTimeInterval(30 * 86_400))
            })
            let since = now.addingTimeInterval(-3600)
            let recent = try await client.transactions(since: since)
            #expect(recent.transactions.map(\.id).sorted() == ids.map(String.init).sorted())
            #expect(recent.transactions.allSatisfy { $0.expiresAt == now.addingTimeInterval(30 * 86_400) })
            let lastURL = try #require(transport.exchanges.last?.url)
            #expect(lastURL.hasSuffix("/all-user-transactions?since=\(Int64(since.timeIntervalSince1970))"))
        }
    }

    // MARK: - SMTPMailer

    @Test func smtpMailerDeliversEscapedHTMLToTheSink() async throws {
        try await withLiveSandbox { sandbox in
            let config = try decodeConfig(EmailConfig.self, """
            {"enabled": true, "smtp_url": "\(sandbox.smtpURL)", "username": "mailer",
             "password": {"env": "ITEST_SMTP_PASSWORD"}, "from": "shop@example.com", "timeout_seconds": 5}
            """)
            let mailer = try SMTPMailer(config: config, environment: ["ITEST_SMTP_PASSWORD": "smtp-secret-555"])
            let html = MailTemplate.invalidUsername.render([
                "name": "Rick", "username": "<b>Risk&Rick</b>", "product": "Alpha monthly",
                "transaction_id": "25", "support_email": "help@example.com",
            ])
            let subject = MailTemplate.defaultInvalidUsernameSubject
            try await mailer.send(AccessCore.MailMessage(to: "rick@example.com", subject: subject, html: html))

            let mail = sandbox.snapshot().mail
            #expect(mail.count == 1)
            let stored = try #require(mail.first)
            #expect(stored.from == "shop@example.com")
            #expect(stored.to == ["rick@example.com"])
            #expect(stored.data.contains("Subject: \(subject)\r\n"))
            #expect(stored.data.contains("To: <rick@example.com>\r\n"))
            #expect(!stored.data.contains("smtp-secret-555"))

            // The body travels as base64: decode it and look for the escaped name.
            let parts = stored.data.components(separatedBy: "\r\n\r\n")
            let encoded = parts.dropFirst().joined().components(separatedBy: "\r\n").joined()
            let body = String(decoding: Data(base64Encoded: encoded) ?? Data(), as: UTF8.self)
            #expect(body == html)
            #expect(body.contains("&lt;b&gt;Risk&amp;Rick&lt;/b&gt;"))
            #expect(!body.contains("<b>Risk"))
        }
    }
}
