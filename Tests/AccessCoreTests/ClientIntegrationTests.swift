import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// Every real client through real libcurl against the in-process sandbox. One suite, serialized, so the
/// timing assertions of the fault tests are not disturbed by the other tests of the suite.
/// Direct-mode TradingView here; faults, the access API, WordPress and SMTP in the other
/// Client*IntegrationTests files.
@Suite("Client integration", .serialized)
struct ClientIntegrationTests {
    let alpha = DemoSeed.alphaTrendSuite

    // MARK: - DirectClient

    @Test func validateAnswersTheCanonicalSpellingWithoutCookies() async throws {
        try await withLiveSandbox { sandbox in
            // username_hint needs no login: validation must work while the session is stale.
            let client = try makeTradingView(sandbox, cookies: nil)
            #expect(try await client.validate(username: "TraderJoe") == "TraderJoe")
            #expect(try await client.validate(username: "traderjoe") == "TraderJoe")
            #expect(try await client.validate(username: "HEDGEHELEN") == "HedgeHelen")
            #expect(try await client.validate(username: " moontrader ") == "MoonTrader")
            // "TraderJo" is a prefix of an account but no account itself.
            #expect(try await client.validate(username: "TraderJo") == nil)
            #expect(try await client.validate(username: "not_a_real_trader") == nil)
            #expect(try await client.validate(username: "") == nil)
            #expect(sandbox.snapshot().calls["/username_hint/"] == 6)
            #expect(client.callCounts()["tv.username_hint"] == 6)
        }
    }

    @Test func listUsersFollowsNextPastThirtyAndMatchesTheSandbox() async throws {
        // 80 accounts, nine in ten with Alpha access: 72 users, three pages of at most 30.
        try await withLiveSandbox(SandboxOptions(seed: .generated(users: 80, transactions: 0, seed: 7))) { sandbox in
            let client = try makeTradingView(sandbox)
            let users = try await client.listUsers(scriptId: alpha)
            let expected = sandbox.snapshot().access[alpha] ?? []
            #expect(users.count > 60)
            #expect(users.count == expected.count)
            #expect(Set(users.map(\.username)).count == users.count)
            let listed = Dictionary(uniqueKeysWithValues: users.map { ($0.username, $0.expiry) })
            let truth = Dictionary(uniqueKeysWithValues: expected.map { ($0.username, $0.expiration) })
            #expect(listed == truth)
            #expect(users.contains { $0.expiry == nil }, "the generated seed has lifetime users")
            #expect(users.allSatisfy { $0.created != nil })
            #expect(sandbox.snapshot().calls["/pine_perm/list_users/"] == 3)
            #expect(client.callCounts()["tv.list_users"] == 3)
        }
    }

    @Test func listUsersOfTheDemoKeepsLapsedAndLifetimeAccess() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox)
            let users = try await client.listUsers(scriptId: alpha)
            let truth = sandbox.snapshot().access[alpha] ?? []
            #expect(users.map(\.username).sorted() == truth.map(\.username).sorted())
            #expect(users.first { $0.username == "CryptoKate" }?.expiry == nil)
            let lapsed = try #require(users.first { $0.username == "BullishBen" }?.expiry)
            #expect(lapsed < Date())
            let unknown = await thrownError { _ = try await client.listUsers(scriptId: "PUB;not-ours") }
            #expect(unknown.map { isCase($0, "rejected 403") } == true)
        }
    }

    @Test func grantAnswersCreatedRegrantedAndExists() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox)
            let expiry = wholeSeconds(daysFromNow: 30)

            #expect(try await client.grant(scriptId: alpha, username: "RiskRick", expiry: expiry) == .created)
            var state = sandbox.snapshot()
            #expect(state.access[alpha]?.first { $0.username == "RiskRick" }?.expiration == expiry)
            #expect(state.writes.map(\.op) == ["add"])
            #expect(state.writes.last?.status == 201)
            #expect(state.writes.last?.expiration == expiry)
            #expect(state.writes.last?.via == "direct")

            // Access now: nothing changes, nothing logged.
            #expect(try await client.grant(scriptId: alpha, username: "RiskRick", expiry: wholeSeconds(daysFromNow: 60)) == .exists)
            state = sandbox.snapshot()
            #expect(state.writes.count == 1)
            #expect(state.access[alpha]?.first { $0.username == "RiskRick" }?.expiration == expiry)

            try await client.remove(scriptId: alpha, username: "RiskRick")
            #expect(sandbox.snapshot().access[alpha]?.contains { $0.username == "RiskRick" } == false)

            // Had access before, removed since: 200 ok.
            #expect(try await client.grant(scriptId: alpha, username: "RiskRick", expiry: nil) == .regranted)
            // Lapsed access counts as none.
            #expect(try await client.grant(scriptId: alpha, username: "BullishBen", expiry: expiry) == .regranted)
            state = sandbox.snapshot()
            #expect(state.writes.map(\.op) == ["add", "remove", "add", "add"])
            #expect(state.writes.map(\.status) == [201, 200, 200, 200])
            #expect(state.access[alpha]?.first { $0.username == "RiskRick" }.map { $0.expiration == nil } == true)
            #expect(state.access[alpha]?.first { $0.username == "BullishBen" }?.expiration == expiry)
        }
    }

    @Test func writesRefuseNamesThatAreNotTheExactSpelling() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox)
            // The caller validates first; a raw lower-cased name is a 400, not a silent grant.
            let wrongCase = await thrownError { _ = try await client.grant(scriptId: alpha, username: "riskrick", expiry: nil) }
            #expect(wrongCase.map { isCase($0, "rejected 400") } == true)
            let notOwner = await thrownError { _ = try await client.grant(scriptId: "PUB;not-ours", username: "RiskRick", expiry: nil) }
            #expect(notOwner.map { isCase($0, "rejected 403") } == true)
            #expect(sandbox.snapshot().writes.isEmpty)
            // Rejections are final: no retries spent on them.
            #expect(client.callCounts()["tv.add"] == 2)
        }
    }

    @Test func modifyExpirationSetsDatesAndLifetime() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox)
            let later = wholeSeconds(daysFromNow: 90)

            try await client.modifyExpiration(scriptId: alpha, username: "TraderJoe", expiry: later)
            #expect(sandbox.snapshot().access[alpha]?.first { $0.username == "TraderJoe" }?.expiration == later)

            try await client.modifyExpiration(scriptId: alpha, username: "TraderJoe", expiry: nil)
            let state = sandbox.snapshot()
            let joe = try #require(state.access[alpha]?.first { $0.username == "TraderJoe" })
            #expect(joe.expiration == nil)
            #expect(state.writes.map(\.op) == ["modify", "modify"])
            #expect(state.writes.map(\.expiration) == [later, nil])
            // Read back through the client too: lifetime comes back as nil.
            let listed = try await client.listUsers(scriptId: alpha)
            #expect(listed.first { $0.username == "TraderJoe" }.map { $0.expiry == nil } == true)

            let noAccess = await thrownError { try await client.modifyExpiration(scriptId: alpha, username: "RiskRick", expiry: later) }
            #expect(noAccess.map { isCase($0, "rejected 404") } == true)
            #expect(sandbox.snapshot().writes.count == 2)
        }
    }

    @Test func removeTakesAccessAway() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox)
            try await client.remove(scriptId: DemoSeed.volumeRadar, username: "DayTradeDan")
            var state = sandbox.snapshot()
            #expect(state.access[DemoSeed.volumeRadar]?.contains { $0.username == "DayTradeDan" } == false)
            #expect(state.writes.map(\.op) == ["remove"])
            #expect(state.writes.first?.username == "DayTradeDan")
            // Removing again succeeds and changes nothing.
            try await client.remove(scriptId: DemoSeed.volumeRadar, username: "DayTradeDan")
            state = sandbox.snapshot()
            #expect(state.writes.count == 1)
        }
    }

    @Test func checkSessionTellsGoodFromStaleCookies() async throws {
        try await withLiveSandbox { sandbox in
            let good = try await makeTradingView(sandbox).checkSession()
            #expect(good.valid)
            #expect(good.account == "sandbox_vendor")

            let wrong = SessionCookies(sessionid: "wrong-sessionid-xyz", sessionidSign: "wrong-sign-xyz")
            let stale = try await makeTradingView(sandbox, cookies: wrong).checkSession()
            #expect(!stale.valid)
            #expect(!stale.detail.contains("wrong-sessionid-xyz"))

            let none = try await makeTradingView(sandbox, cookies: nil).checkSession()
            #expect(!none.valid)
            #expect(sandbox.snapshot().calls["/tvcoins/details/"] == 2, "no cookies: no call")

            // The vendor logged in elsewhere: the stored cookies go stale.
            sandbox.setSession(sessionid: "fresh-session-123", sessionidSign: "fresh-sign-456")
            #expect(try await makeTradingView(sandbox).checkSession().valid == false)
        }
    }

    @Test func wrongCookiesAreAStaleSessionOnEveryAuthenticatedCall() async throws {
        try await withLiveSandbox { sandbox in
            let wrong = SessionCookies(sessionid: "wrong-sessionid-xyz", sessionidSign: "wrong-sign-xyz")
            let client = try makeTradingView(sandbox, cookies: wrong)
            let list = await thrownError { _ = try await client.listUsers(scriptId: alpha) }
            let grant = await thrownError { _ = try await client.grant(scriptId: alpha, username: "RiskRick", expiry: nil) }
            let modify = await thrownError { try await client.modifyExpiration(scriptId: alpha, username: "TraderJoe", expiry: nil) }
            let remove = await thrownError { try await client.remove(scriptId: alpha, username: "TraderJoe") }
            for error in [list, grant, modify, remove] {
                #expect(error.map { isCase($0, "sessionStale") } == true)
                #expect(!"\(error.map { "\($0)" } ?? "")".contains("wrong-sessionid-xyz"))
            }
            #expect(sandbox.snapshot().writes.isEmpty)
            // A stale session is not retried.
            #expect(client.callCounts().values.reduce(0, +) == 4)

            let noCookies = try makeTradingView(sandbox, cookies: nil)
            let refused = await thrownError { _ = try await noCookies.grant(scriptId: alpha, username: "RiskRick", expiry: nil) }
            #expect(refused.map { isCase($0, "sessionStale") } == true)
            #expect(noCookies.callCounts().isEmpty, "without cookies nothing is sent")
        }
    }

    @Test func sessionExpiringMidSequenceStopsTheNextWrite() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox)
            let expiry = wholeSeconds(daysFromNow: 30)
            sandbox.setFaults(Faults(sessionExpireAfter: 2))

            #expect(try await client.grant(scriptId: alpha, username: "RiskRick", expiry: expiry) == .created)
            #expect(try await client.grant(scriptId: alpha, username: "AlgoAlex", expiry: expiry) == .created)
            let third = await thrownError { _ = try await client.grant(scriptId: alpha, username: "PennyPete", expiry: expiry) }
            #expect(third.map { isCase($0, "sessionStale") } == true)
            let fourth = await thrownError { try await client.remove(scriptId: alpha, username: "RiskRick") }
            #expect(fourth.map { isCase($0, "sessionStale") } == true)

            var state = sandbox.snapshot()
            #expect(state.sessionExpired)
            #expect(state.writes.map(\.username) == ["RiskRick", "AlgoAlex"])
            #expect(state.access[alpha]?.contains { $0.username == "PennyPete" } == false)
            #expect(try await client.checkSession().valid == false)

            // A new login (same cookies set again) ends the expiry.
            sandbox.setSession(sessionid: SandboxOptions.defaultSessionid, sessionidSign: SandboxOptions.defaultSessionidSign)
            #expect(try await client.grant(scriptId: alpha, username: "PennyPete", expiry: expiry) == .created)
            state = sandbox.snapshot()
            #expect(!state.sessionExpired)
            #expect(state.writes.map(\.username) == ["RiskRick", "AlgoAlex", "PennyPete"])
        }
    }
}
