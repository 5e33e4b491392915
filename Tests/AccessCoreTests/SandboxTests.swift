import AccessCore
import Foundation
import Testing
@testable import AccessSandbox

/// One curl run: exit code, status, headers (lower-cased names) and body.
private struct CurlReply {
    let exitCode: Int32
    let status: Int
    let headers: [String: String]
    let body: String

    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
}

/// Runs curl without blocking a cooperative thread (the server's handlers need them).
private func curl(_ arguments: [String]) async throws -> CurlReply {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: output) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["curl", "-s", "-i", "--max-time", "5", "-o", output.path] + arguments
    await SpawnGuard.fewDescriptors()
    let exitCode: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    let raw = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    guard let split = raw.range(of: "\r\n\r\n") else {
        return CurlReply(exitCode: exitCode, status: 0, headers: [:], body: "")
    }
    let headLines = raw[..<split.lowerBound].components(separatedBy: "\r\n")
    let status = Int(headLines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
    var headers: [String: String] = [:]
    for line in headLines.dropFirst() {
        let parts = line.split(separator: ":", maxSplits: 1)
        if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
    }
    return CurlReply(exitCode: exitCode, status: status, headers: headers, body: String(raw[split.upperBound...]))
}

private let goodCookie = "sessionid=\(SandboxOptions.defaultSessionid); sessionid_sign=\(SandboxOptions.defaultSessionidSign)"

/// A direct-mode POST with cookie and Origin, form-encoded.
private func tvPost(_ sandbox: Sandbox, _ path: String, _ form: [String: String],
                    cookie: String = goodCookie) async throws -> CurlReply {
    var arguments = ["-X", "POST", "-H", "Origin: https://www.tradingview.com", "-H", "Cookie: \(cookie)"]
    for (key, value) in form.sorted(by: { $0.key < $1.key }) { arguments += ["--data-urlencode", "\(key)=\(value)"] }
    return try await curl(arguments + [sandbox.baseURL + path])
}

private func withSandbox(_ seed: Seed = .demo, _ body: (Sandbox) async throws -> Void) async throws {
    let sandbox = try await Sandbox.start(SandboxOptions(seed: seed))
    do { try await body(sandbox) } catch {
        await sandbox.shutdown()
        throw error
    }
    await sandbox.shutdown()
}

@Suite("Sandbox")
struct SandboxTests {
    let alpha = DemoSeed.alphaTrendSuite

    @Test func demoSeedHasTheContractShape() async throws {
        try await withSandbox { sandbox in
            let state = sandbox.snapshot()
            #expect(state.accounts.count == 60)
            #expect(state.transactionCount == 40)
            #expect(Set(state.access.keys) == [DemoSeed.alphaTrendSuite, DemoSeed.momentumPro,
                                                DemoSeed.volumeRadar, DemoSeed.lifetimeToolkit])
            let alphaUsers = state.access[alpha] ?? []
            #expect(alphaUsers.contains { $0.username == "CryptoKate" && $0.expiration == nil })
            #expect(alphaUsers.contains { ($0.expiration ?? .distantFuture) < Date() })
            #expect(alphaUsers.contains { ($0.expiration ?? .distantFuture) < Date().addingTimeInterval(7 * 86_400)
                && ($0.expiration ?? .distantPast) > Date() })
            let served = try await curl([sandbox.baseURL + "/__sandbox/state"])
            #expect(served.status == 200)
            #expect((served.object["accounts"] as? [String])?.count == 60)
        }
    }

    @Test func usernameHintMatchesPrefixCaseInsensitivelyWithoutCookie() async throws {
        try await withSandbox { sandbox in
            let reply = try await curl([sandbox.baseURL + "/username_hint/?s=traderj"])
            #expect(reply.status == 200)
            #expect(reply.array.first?["username"] as? String == "TraderJoe")
            let none = try await curl([sandbox.baseURL + "/username_hint/?s=zzzz_nobody"])
            #expect(none.array.isEmpty)
        }
    }

    @Test func listUsersPagesBy30WithCursorAndNeedsCookie() async throws {
        try await withSandbox(.generated(users: 100, transactions: 10, seed: 7)) { sandbox in
            var path = "/pine_perm/list_users/?limit=50&order_by=user__username&offset=60"
            var names: [String] = []
            var pages = 0
            while true {
                let reply = try await tvPost(sandbox, path, ["pine_id": alpha])
                #expect(reply.status == 200)
                let results = reply.object["results"] as? [[String: Any]] ?? []
                #expect(results.count <= 30)
                names += results.compactMap { $0["username"] as? String }
                pages += 1
                guard let next = reply.object["next"] as? String, pages < 10 else { break }
                #expect(next.contains("cursor="))
                path = next
            }
            #expect(pages == 3)
            #expect(names.count == 90)
            #expect(Set(names).count == 90)
            #expect(names == names.sorted { $0.lowercased() < $1.lowercased() })

            let noCookie = try await tvPost(sandbox, "/pine_perm/list_users/", ["pine_id": alpha], cookie: "")
            #expect(noCookie.status == 401)
            #expect(noCookie.object["detail"] as? String == "Authentication credentials were not provided.")
            let notOwner = try await tvPost(sandbox, "/pine_perm/list_users/", ["pine_id": "PUB;nope"])
            #expect(notOwner.status == 403)
        }
    }

    @Test func addAnswers201Then200ExistsThen200AfterRemove() async throws {
        try await withSandbox { sandbox in
            let form = ["pine_id": alpha, "username_recip": "RiskRick", "expiration": "2031-01-31T00:00:00Z"]
            let first = try await tvPost(sandbox, "/pine_perm/add/", form)
            #expect(first.status == 201)
            #expect(first.object["status"] as? String == "ok")
            let again = try await tvPost(sandbox, "/pine_perm/add/", form)
            #expect(again.status == 200)
            #expect(again.object["status"] as? String == "exists")
            let removed = try await tvPost(sandbox, "/pine_perm/remove/", ["pine_id": alpha, "username_recip": "RiskRick"])
            #expect(removed.status == 200)
            let regrant = try await tvPost(sandbox, "/pine_perm/add/", form)
            #expect(regrant.status == 200)
            #expect(regrant.object["status"] as? String == "ok")

            let wrongCase = try await tvPost(sandbox, "/pine_perm/add/", ["pine_id": alpha, "username_recip": "riskrick"])
            #expect(wrongCase.status == 400)
            #expect(wrongCase.object["detail"] as? String == "User does not exist")
            let noOrigin = try await curl(["-X", "POST", "-H", "Cookie: \(goodCookie)", "--data", "pine_id=x",
                                           sandbox.baseURL + "/pine_perm/add/"])
            #expect(noOrigin.status == 403)

            let writes = sandbox.snapshot().writes
            #expect(writes.map(\.op) == ["add", "remove", "add"])
            #expect(writes.map(\.status) == [201, 200, 200])
            #expect(writes.map(\.seq) == [1, 2, 3])
            #expect(writes.first?.expiration == Timestamps.parseISO("2031-01-31T00:00:00Z"))
        }
    }

    @Test func modifyNeedsAccessAndNoExpirationMeansLifetime() async throws {
        try await withSandbox { sandbox in
            let missing = try await tvPost(sandbox, "/pine_perm/modify_user_expiration/",
                                           ["pine_id": alpha, "username_recip": "RiskRick"])
            #expect(missing.status == 404)
            let lifetime = try await tvPost(sandbox, "/pine_perm/modify_user_expiration/",
                                            ["pine_id": alpha, "username_recip": "TraderJoe"])
            #expect(lifetime.status == 200)
            let joe = sandbox.snapshot().access[alpha]?.first { $0.username == "TraderJoe" }
            #expect(joe != nil && joe?.expiration == nil)
            #expect(sandbox.snapshot().writes.map(\.op) == ["modify"])
        }
    }

    @Test func sessionExpiresAfterNCallsUntilANewSessionIsSet() async throws {
        try await withSandbox { sandbox in
            let faults = try await curl(["-X", "POST", "--data", #"{"session_expire_after": 2}"#,
                                         sandbox.baseURL + "/__sandbox/faults"])
            #expect(faults.status == 200)
            for _ in 0..<2 {
                let ok = try await tvPost(sandbox, "/pine_perm/list_users/", ["pine_id": alpha])
                #expect(ok.status == 200)
            }
            let expired = try await tvPost(sandbox, "/pine_perm/list_users/", ["pine_id": alpha])
            #expect(expired.status == 403)
            #expect(expired.object["detail"] as? String == "login_required")
            let coins = try await curl(["-H", "Cookie: \(goodCookie)", sandbox.baseURL + "/tvcoins/details/"])
            #expect(coins.status == 401)
            #expect(sandbox.snapshot().sessionExpired)

            let renewed = try await curl(["-X", "POST", "--data", #"{"sessionid": "new-id", "sessionid_sign": "new-sign"}"#,
                                          sandbox.baseURL + "/__sandbox/session"])
            #expect(renewed.status == 200)
            let newCookie = "sessionid=new-id; sessionid_sign=new-sign"
            let healthy = try await curl(["-H", "Cookie: \(newCookie)", sandbox.baseURL + "/tvcoins/details/"])
            #expect(healthy.status == 200)
            let oldCookie = try await tvPost(sandbox, "/pine_perm/list_users/", ["pine_id": alpha])
            #expect(oldCookie.status == 401)
        }
    }

    @Test func rateLimitEveryNAnswers429WithRetryAfter() async throws {
        try await withSandbox { sandbox in
            sandbox.setFaults(Faults(rateLimitEvery: 2, retryAfterS: 3))
            let first = try await curl([sandbox.baseURL + "/username_hint/?s=alice"])
            let second = try await curl([sandbox.baseURL + "/username_hint/?s=alice"])
            #expect(first.status == 200)
            #expect(second.status == 429)
            #expect(second.headers["retry-after"] == "3")
            // WordPress routes are not faulted by default.
            let wordpress = try await curl([sandbox.baseURL + "/all-user-transactions"])
            #expect(wordpress.status == 200)
            #expect(sandbox.snapshot().calls["/username_hint/"] == 2)
        }
    }

    @Test func errorMalformedAndResetFaults() async throws {
        try await withSandbox { sandbox in
            sandbox.setFaults(Faults(errorRate: 1, errorStatus: 503))
            let error = try await curl([sandbox.baseURL + "/username_hint/?s=alice"])
            #expect(error.status == 503)

            sandbox.setFaults(Faults(malformedRate: 1))
            let malformed = try await tvPost(sandbox, "/pine_perm/add/", ["pine_id": alpha, "username_recip": "RiskRick"])
            #expect(malformed.status == 200)
            #expect(malformed.json == nil)
            // A malformed answer comes after the write took effect.
            #expect(sandbox.snapshot().writes.count == 1)

            sandbox.setFaults(Faults(resetRate: 1, routes: ["pine_perm"]))
            let reset = try await tvPost(sandbox, "/pine_perm/remove/", ["pine_id": alpha, "username_recip": "RiskRick"])
            #expect(reset.exitCode != 0)
            #expect(reset.status == 0)
            #expect(sandbox.snapshot().writes.count == 1)
            let unfaulted = try await curl([sandbox.baseURL + "/username_hint/?s=alice"])
            #expect(unfaulted.status == 200)
        }
    }

    @Test func faultDecisionsRepeatForTheSameSeed() {
        func decisions(seed: UInt64) -> [FaultDecision] {
            var world = World(seed: SeedData.make(.demo, now: Date()), options: SandboxOptions())
            world.setFaults(Faults(errorRate: 0.3, resetRate: 0.2, malformedRate: 0.2, seed: seed))
            return (0..<50).map { _ in world.decideFault(path: "/pine_perm/add/").decision }
        }
        #expect(decisions(seed: 42) == decisions(seed: 42))
        #expect(decisions(seed: 42) != decisions(seed: 43))
        #expect(decisions(seed: 42).contains(.pass))
    }

    @Test func memberPressPagesChecksKeyAndSendsStrings() async throws {
        try await withSandbox { sandbox in
            let path = sandbox.baseURL + "/wp-json/mp/v1/transactions"
            let noKey = try await curl([path])
            #expect(noKey.status == 401)
            #expect(noKey.object["code"] as? String == "mp_auth_error")
            let key = "MEMBERPRESS-API-KEY: \(SandboxOptions.defaultMemberpressKey)"
            var sizes: [Int] = []
            var ids: [String] = []
            for page in 1...3 {
                let reply = try await curl(["-H", key, "\(path)?page=\(page)&per_page=15"])
                #expect(reply.status == 200)
                sizes.append(reply.array.count)
                ids += reply.array.compactMap { $0["id"] as? String }
            }
            #expect(sizes == [15, 15, 10])
            #expect(Set(ids).count == 40)
            // Newest first by default, as the add-on's defaults say; `order_dir=ASC` gives the oldest.
            let newest = try await curl(["-H", key, "\(path)?page=1&per_page=1"])
            #expect(newest.array.first?["id"] as? String == ids.first && ids.first == "40")
            let first = try await curl(["-H", key, "\(path)?page=1&per_page=1&order=id&order_dir=ASC"]).array.first ?? [:]
            #expect(first["amount"] as? String == "29.00")
            let member = first["member"] as? [String: Any] ?? [:]
            #expect(member["id"] is String)
            #expect((member["profile"] as? [String: Any])?["mepr_tradingview_username"] as? String == "TraderJoe")
            #expect((first["membership"] as? [String: Any])?["id"] as? String == "101")
            let refunded = try await curl(["-H", key, "\(path)?per_page=100&status=refunded"])
            #expect(refunded.array.count == 3)
            #expect(refunded.array.allSatisfy { $0["status"] as? String == "refunded" })
            let lifetime = try await curl(["-H", key, "\(path)?per_page=100"]).array
                .filter { ($0["membership"] as? [String: Any])?["id"] as? String == "104" }
            #expect(lifetime.allSatisfy { $0["expires_at"] as? String == "0000-00-00 00:00:00" })
        }
    }

    @Test func seedEndpointFiltersBySinceAndControlRoutesAppend() async throws {
        try await withSandbox { sandbox in
            let all = try await curl([sandbox.baseURL + "/all-user-transactions"])
            #expect(all.array.count == 40)
            #expect(all.array.first?["product_id"] as? Int == 101)
            let since = Int(Date().timeIntervalSince1970) - 3 * 86_400
            let recent = try await curl([sandbox.baseURL + "/all-user-transactions?since=\(since)"])
            #expect(recent.array.count > 0 && recent.array.count < 40)

            let added = try await curl(["-X", "POST", "--data",
                #"[{"product_id": 105, "email": "n@example.com", "wp_username": "n", "tradingview_username": "NewTrader", "status": "complete", "created_at": "2030-01-01 00:00:00", "expires_at": "2030-01-08 00:00:00"}]"#,
                sandbox.baseURL + "/__sandbox/transactions"])
            #expect(added.status == 200)
            #expect((added.object["ids"] as? [Int]) == [41])
            let future = try await curl([sandbox.baseURL + "/all-user-transactions?since=1893456000"])
            #expect(future.array.map { $0["tradingview_username"] as? String } == ["NewTrader"])

            let account = try await curl(["-X", "POST", "--data", #"{"username": "NewTrader"}"#,
                                          sandbox.baseURL + "/__sandbox/accounts"])
            #expect(account.status == 201)
            let grant = try await tvPost(sandbox, "/pine_perm/add/", ["pine_id": alpha, "username_recip": "NewTrader"])
            #expect(grant.status == 201)

            let reset = try await curl(["-X", "POST", sandbox.baseURL + "/__sandbox/reset"])
            #expect(reset.status == 200)
            let state = sandbox.snapshot()
            #expect(state.transactionCount == 40 && state.writes.isEmpty && !state.accounts.contains("NewTrader"))
        }
    }

    @Test func accessAPIChecksKeyValidatesAndGrants() async throws {
        try await withSandbox { sandbox in
            let key = "X-API-Key: \(SandboxOptions.defaultAccessApiKey)"
            let noKey = try await curl([sandbox.baseURL + "/tradingview/validate?username=traderjoe"])
            #expect(noKey.status == 401)
            let valid = try await curl(["-H", key, sandbox.baseURL + "/tradingview/validate?username=traderjoe"])
            #expect(valid.object["valid"] as? Bool == true)
            #expect(valid.object["username"] as? String == "TraderJoe")
            let invalid = try await curl(["-H", key, sandbox.baseURL + "/tradingview/validate?username=TraderJo"])
            #expect(invalid.object["valid"] as? Bool == false)
            let grant = try await curl(["-X", "POST", "-H", key, "-H", "Content-Type: application/json", "--data",
                #"{"scriptId": "\#(DemoSeed.momentumPro)", "username": "RiskRick", "email": "rick@example.com", "expiry": null, "subscription_type": "lifetime", "wp_username": "rick", "remarks": "test"}"#,
                sandbox.baseURL + "/tradingview/access/grant"])
            #expect(grant.status == 200)
            let list = try await curl(["-H", key, sandbox.baseURL + "/tradingview/access/list?scriptId=\(DemoSeed.momentumPro)"])
            let rick = (list.object["users"] as? [[String: Any]])?.first { $0["username"] as? String == "RiskRick" }
            #expect(rick != nil && rick?["expiry"] is NSNull)
            let revoke = try await curl(["-X", "POST", "-H", key, "--data",
                #"{"scriptId": "\#(DemoSeed.momentumPro)", "username": "RiskRick"}"#,
                sandbox.baseURL + "/tradingview/access/revoke"])
            #expect(revoke.status == 200)
            #expect(sandbox.snapshot().writes.map(\.via) == ["access_api", "access_api"])
        }
    }

    @Test func smtpSinkStoresMessages() async throws {
        try await withSandbox { sandbox in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("mail-\(UUID().uuidString).txt")
            defer { try? FileManager.default.removeItem(at: file) }
            try "Subject: Access granted\r\n\r\nHello\r\n.dotted line\r\n".write(to: file, atomically: true, encoding: .utf8)
            let sent = try await curl([sandbox.smtpURL, "--mail-from", "shop@example.com",
                                       "--mail-rcpt", "buyer@example.com", "--user", "u:p", "-T", file.path])
            #expect(sent.exitCode == 0)
            let mail = sandbox.snapshot().mail
            #expect(mail.count == 1)
            #expect(mail.first?.from == "shop@example.com")
            #expect(mail.first?.to == ["buyer@example.com"])
            #expect(mail.first?.data.contains("Subject: Access granted") == true)
            #expect(mail.first?.data.contains("\r\n.dotted line\r\n") == true)
        }
    }

    @Test func shutdownFreesFixedPortsForTheNextStart() async throws {
        let first = try await Sandbox.start(SandboxOptions())
        let (port, smtpPort) = (first.port, first.smtpPort)
        await first.shutdown()
        let second = try await Sandbox.start(SandboxOptions(port: port, smtpPort: smtpPort))
        #expect(second.baseURL == "http://127.0.0.1:\(port)")
        #expect(second.smtpURL == "smtp://127.0.0.1:\(smtpPort)")
        let reply = try await curl([second.baseURL + "/username_hint/?s=moon"])
        #expect(reply.status == 200)
        await second.shutdown()
        let refused = try await curl([second.baseURL + "/username_hint/?s=moon"])
        #expect(refused.exitCode != 0)
    }

    @Test func timestampsRoundTrip() {
        let date = Timestamps.parseISO("2026-12-24T00:00:00Z")
        #expect(date.map(Timestamps.iso) == "2026-12-24T00:00:00Z")
        #expect(Timestamps.parseISO("2026-12-24T02:00:00+02:00") == date)
        #expect(Timestamps.parseISO("2026-12-24T00:00:00.123Z") == date)
        #expect(Timestamps.parseWordPress("2026-12-24 00:00:00") == date)
        #expect(Timestamps.parseWordPress("0000-00-00 00:00:00") == nil)
        #expect(Timestamps.parseISO("yesterday") == nil)
    }
}

/// The faults issue 18 reports from the field: writes that answer ok and do not stick, grants lost,
/// a session that goes stale on its own clock, and an account renamed.
@Suite("Sandbox field faults")
struct SandboxFieldFaultTests {
    let alpha = DemoSeed.alphaTrendSuite

    @Test func dropWriteEveryNAnswersOkAndKeepsNothing() async throws {
        try await withSandbox { sandbox in
            let faults = try await curl(["-X", "POST", "--data", #"{"drop_write_every": 2}"#,
                                         sandbox.baseURL + "/__sandbox/faults"])
            #expect(faults.status == 200)
            let names = ["RiskRick", "HedgeHelen", "ArbArthur", "MomentumMaya"]
            for name in names {
                let reply = try await tvPost(sandbox, "/pine_perm/add/",
                                             ["pine_id": alpha, "username_recip": name, "expiration": "2031-01-31T00:00:00Z"])
                #expect(reply.object["status"] as? String == "ok")
            }
            let state = sandbox.snapshot()
            let listed = Set((state.access[alpha] ?? []).map(\.username))
            let dropped = state.droppedWrites.map(\.username)
            #expect(dropped == names.enumerated().filter { ($0.offset + 1) % 2 == 0 }.map(\.element))
            #expect(dropped.allSatisfy { !listed.contains($0) })
            #expect(state.writes.count == names.count - dropped.count)
            // A write that changes nothing (exists) is no grant to drop.
            let kept = names[0]
            let again = try await tvPost(sandbox, "/pine_perm/add/", ["pine_id": alpha, "username_recip": kept])
            #expect(again.object["status"] as? String == "exists")
            #expect(sandbox.snapshot().droppedWrites.count == dropped.count)
        }
    }

    @Test func dropWriteRateDoesNotMoveTheOtherFaultsDraws() {
        func decisions(dropRate: Double?) -> [FaultDecision] {
            var world = World(seed: SeedData.make(.demo, now: Date()), options: SandboxOptions())
            world.setFaults(Faults(errorRate: 0.3, dropWriteRate: dropRate, seed: 42))
            return (0..<30).map { _ in
                _ = world.modify(pineId: DemoSeed.alphaTrendSuite, username: "TraderJoe",
                                 expiration: Date().addingTimeInterval(Double.random(in: 1...1e6)), via: "direct")
                return world.decideFault(path: "/pine_perm/add/").decision
            }
        }
        #expect(decisions(dropRate: nil) == decisions(dropRate: 0.5))
    }

    @Test func sessionExpiresOnItsOwnClockWithNoCallsBetween() async throws {
        try await withSandbox { sandbox in
            sandbox.setFaults(Faults(sessionExpireAfterSeconds: 3600))
            let fresh = try await curl(["-H", "Cookie: \(goodCookie)", sandbox.baseURL + "/tvcoins/details/"])
            #expect(fresh.status == 200)
            #expect(!sandbox.snapshot().sessionExpired)
            // Zero seconds: stale at once, before any call counts down.
            let faults = try await curl(["-X", "POST", "--data", #"{"session_expire_after_seconds": 0}"#,
                                         sandbox.baseURL + "/__sandbox/faults"])
            #expect(faults.status == 200)
            #expect(sandbox.snapshot().sessionExpired)
            let coins = try await curl(["-H", "Cookie: \(goodCookie)", sandbox.baseURL + "/tvcoins/details/"])
            #expect(coins.status == 401)
            let list = try await tvPost(sandbox, "/pine_perm/list_users/", ["pine_id": alpha])
            #expect(list.status == 403)
            #expect(list.object["detail"] as? String == "login_required")
            sandbox.setSession(sessionid: "new-id", sessionidSign: "new-sign")
            let healthy = try await curl(["-H", "Cookie: sessionid=new-id; sessionid_sign=new-sign",
                                          sandbox.baseURL + "/tvcoins/details/"])
            #expect(healthy.status == 200)
            #expect(!sandbox.snapshot().sessionExpired)
        }
    }

    @Test func loseGrantsRemovesAccessWithoutAWrite() async throws {
        try await withSandbox { sandbox in
            let before = sandbox.snapshot().access[alpha] ?? []
            #expect(before.count >= 4)
            let reply = try await curl(["-X", "POST", "--data",
                                        #"{"pine_id": "\#(alpha)", "usernames": ["\#(before[0].username)", "NoSuchUser"]}"#,
                                        sandbox.baseURL + "/__sandbox/lose_grants"])
            #expect(reply.status == 200)
            #expect(reply.object["removed"] as? [String] == ["\(alpha) \(before[0].username)"])
            let removed = sandbox.loseGrants(pineId: alpha, every: 2)
            let after = sandbox.snapshot()
            #expect(after.access[alpha]?.count == before.count - 1 - removed.count)
            #expect(removed.count == (before.count - 1) / 2)
            #expect(after.writes.isEmpty)
            let bad = try await curl(["-X", "POST", "--data", "{}", sandbox.baseURL + "/__sandbox/lose_grants"])
            #expect(bad.status == 400)
        }
    }

    @Test func renameKeepsTheAccountIdAndItsAccess() async throws {
        try await withSandbox { sandbox in
            func listed(_ name: String) async throws -> [String: Any]? {
                var path = "/pine_perm/list_users/?limit=30"
                while true {
                    let page = try await tvPost(sandbox, path, ["pine_id": alpha])
                    let results = page.object["results"] as? [[String: Any]] ?? []
                    if let hit = results.first(where: { $0["username"] as? String == name }) { return hit }
                    guard let next = page.object["next"] as? String else { return nil }
                    path = next
                }
            }
            let joe = try #require(try await listed("TraderJoe"))
            let hint = try await curl([sandbox.baseURL + "/username_hint/?s=TraderJoe"])
            #expect(hint.array.first?["id"] as? Int == joe["id"] as? Int)

            let renamed = try await curl(["-X", "POST", "--data", #"{"from": "TraderJoe", "to": "JoeTrades"}"#,
                                          sandbox.baseURL + "/__sandbox/rename"])
            #expect(renamed.status == 200)
            #expect(try await listed("TraderJoe") == nil)
            let moved = try #require(try await listed("JoeTrades"))
            #expect(moved["id"] as? Int == joe["id"] as? Int)
            #expect(moved["expiration"] as? String == joe["expiration"] as? String)
            #expect(moved["created"] as? String == joe["created"] as? String)
            let oldName = try await tvPost(sandbox, "/pine_perm/add/", ["pine_id": alpha, "username_recip": "TraderJoe"])
            #expect(oldName.status == 400)
            // TraderJoe's Alpha access is active (12 days left): under the new name it is still there.
            let exists = try await tvPost(sandbox, "/pine_perm/add/", ["pine_id": alpha, "username_recip": "JoeTrades"])
            #expect(exists.object["status"] as? String == "exists")

            let taken = try await curl(["-X", "POST", "--data", #"{"from": "JoeTrades", "to": "riskrick"}"#,
                                        sandbox.baseURL + "/__sandbox/rename"])
            #expect(taken.status == 409)
            let unknown = try await curl(["-X", "POST", "--data", #"{"from": "Nobody123", "to": "X"}"#,
                                          sandbox.baseURL + "/__sandbox/rename"])
            #expect(unknown.status == 404)
        }
    }
}
