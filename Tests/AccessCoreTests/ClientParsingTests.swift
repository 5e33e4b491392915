import Foundation
import Testing
@testable import AccessCore

@Suite struct FormAndURLTests {
    @Test func encodesPineIdAndReservedCharacters() {
        #expect(FormEncoding.encode([("pine_id", "PUB;7d3c")]) == "pine_id=PUB%3B7d3c")
        #expect(FormEncoding.encode([("a", "x y&z=1+2"), ("b", "ü")]) == "a=x%20y%26z%3D1%2B2&b=%C3%BC")
    }

    @Test func followsNextOnTheConfiguredHostOnly() {
        let base = "http://127.0.0.1:8080"
        #expect(RemoteURL.follow("/pine_perm/list_users/?cursor=abc&limit=30", base: base, currentPath: "/pine_perm/list_users/")
                == "http://127.0.0.1:8080/pine_perm/list_users/?cursor=abc&limit=30")
        #expect(RemoteURL.follow("https://evil.example/pine_perm/list_users/?cursor=x", base: base, currentPath: "/p/")
                == "http://127.0.0.1:8080/pine_perm/list_users/?cursor=x")
        #expect(RemoteURL.follow("?cursor=2", base: base + "/", currentPath: "/p/") == "http://127.0.0.1:8080/p/?cursor=2")
        #expect(RemoteURL.withQuery("http://h/x/?limit=30", [("s", "a b")]) == "http://h/x/?limit=30&s=a%20b")
    }
}

@Suite struct ISODateTests {
    @Test func parsesWithAndWithoutFractionsAndOffsets() throws {
        let plain = try #require(ISODate.parse("2026-12-24T00:00:00Z"))
        #expect(ISODate.format(plain) == "2026-12-24T00:00:00Z")
        #expect(ISODate.parse("2026-12-24T00:00:00.123456Z")!.timeIntervalSince(plain) > 0.1229)
        #expect(ISODate.parse("2026-12-24T02:00:00+02:00") == plain)
        #expect(ISODate.parse("2026-12-24T00:00:00") == plain)
        #expect(ISODate.parse("2026-12-24") == plain)
        #expect(ISODate.parse("2026-02-30T00:00:00Z") == nil)
        #expect(ISODate.parse("yesterday") == nil)
        #expect(ISODate.parse("2026-12-24T00:00:00Zjunk") == nil)
    }
}

@Suite struct DirectResponseTests {
    @Test func readsAListPageWithNext() throws {
        let body = Data("""
        {"results": [
          {"id": 1, "username": "Alice", "userpic": "", "expiration": "2026-12-24T00:00:00Z", "created": "2025-01-02T03:04:05.678Z"},
          {"id": 2, "username": "bob_lifetime", "userpic": "", "expiration": null, "created": "2025-01-02T03:04:05Z"}],
         "next": "/pine_perm/list_users/?cursor=XYZ&limit=30&order_by=-created"}
        """.utf8)
        let page = try DirectResponses.listPage(body)
        #expect(page.users.map(\.username) == ["Alice", "bob_lifetime"])
        #expect(page.users[0].expiry == ISODate.parse("2026-12-24T00:00:00Z"))
        #expect(page.users[1].expiry == nil)
        #expect(page.next == "/pine_perm/list_users/?cursor=XYZ&limit=30&order_by=-created")
        #expect(try DirectResponses.listPage(Data(#"{"results": [], "next": null}"#.utf8)).next == nil)
    }

    @Test func refusesWrongShapes() {
        #expect(throws: RemoteError.self) { try DirectResponses.listPage(Data("<html>login</html>".utf8)) }
        #expect(throws: RemoteError.self) {
            try DirectResponses.listPage(Data(#"{"results": [{"username": "a", "expiration": "soon"}], "next": null}"#.utf8))
        }
    }

    @Test func canonicalNameMatchesCaseInsensitively() throws {
        let body = Data(#"[{"username": "TraderJoe", "userpic": ""}, {"username": "TraderJoe2"}]"#.utf8)
        #expect(try DirectResponses.canonicalName("traderjoe", hintBody: body) == "TraderJoe")
        #expect(try DirectResponses.canonicalName("trader", hintBody: body) == nil)
    }

    @Test func grantOutcomes() throws {
        #expect(try DirectResponses.grantOutcome(status: 201, body: Data(#"{"status":"ok"}"#.utf8)) == .created)
        #expect(try DirectResponses.grantOutcome(status: 200, body: Data(#"{"status":"ok"}"#.utf8)) == .regranted)
        #expect(try DirectResponses.grantOutcome(status: 200, body: Data(#"{"status":"exists"}"#.utf8)) == .exists)
        #expect(throws: RemoteError.self) { try DirectResponses.grantOutcome(status: 200, body: Data("ok".utf8)) }
    }

    @Test func mapsStatusAndBodyToErrors() {
        func error(_ status: Int, _ body: String) -> RemoteError? {
            DirectResponses.error(status: status, body: Data(body.utf8), call: "add")
        }
        #expect(error(200, "{}") == nil)
        if case .sessionStale? = error(401, #"{"detail":"Authentication credentials were not provided."}"#) {} else { Issue.record("401") }
        if case .sessionStale? = error(403, #"{"detail":"login_required"}"#) {} else { Issue.record("403 login") }
        #expect(error(403, #"{"detail":"You are not the owner of this script"}"#)
                == .rejected(status: 403, detail: "You are not the owner of this script"))
        #expect(error(400, #"{"detail":"User does not exist"}"#) == .rejected(status: 400, detail: "User does not exist"))
        #expect(error(502, "<html>bad gateway</html>")?.isTransient == true)
        #expect(error(429, "")?.isTransient == true)
        if case .malformed? = error(302, "") {} else { Issue.record("302") }
    }

    @Test func snippetsAreShortPrintableAndRedacted() {
        let body = Data(("secret-cookie-value \u{1B}[31m" + String(repeating: "x", count: 500)).utf8)
        let snippet = ResponseSnippet.make(body, redacting: ["secret-cookie-value"])
        #expect(!snippet.contains("secret-cookie-value"))
        #expect(!snippet.contains("\u{1B}"))
        #expect(snippet.count <= 121)
    }
}

@Suite struct WordPressMappingTests {
    static let memberPressRecord = """
    {"id": "3", "amount": "9.00", "total": "9.00", "status": "complete", "trans_num": "mp-3",
     "created_at": "2025-03-01 10:20:30", "expires_at": "0000-00-00 00:00:00",
     "member": {"id": "5", "email": "a@example.com", "username": "alice", "display_name": "Alice",
                "profile": {"mepr_tradingview_username": "@AliceTV"}},
     "membership": {"id": "104", "title": "Lifetime"}}
    """

    func decode(_ text: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }

    @Test func dottedPathsAndNumberText() throws {
        let record = try decode(Self.memberPressRecord)
        #expect(record.value(at: "member.profile.mepr_tradingview_username")?.text == "@AliceTV")
        #expect(record.value(at: "member.profile.missing") == nil)
        #expect(record.value(at: "amount.x") == nil)
        #expect(try decode("12").text == "12")
        #expect(try decode("\"12\"").text == "12")
        #expect(try decode("12.5").text == "12.5")
        #expect(try decode("\"\"").text == nil)
    }

    @Test func mapsMemberPressRecordsWithStringNumbersAndZeroDates() throws {
        let mapper = TransactionRecordMapper(style: .memberpress, usernameField: "member.profile.mepr_tradingview_username", productField: nil)
        let t = try #require(mapper.map(try decode(Self.memberPressRecord)).transaction)
        #expect(t.id == "3")
        #expect(t.productId == "104")
        #expect(t.email == "a@example.com")
        #expect(t.wpUsername == "alice")
        #expect(t.tradingViewUsername == "@AliceTV")
        #expect(t.status == .complete)
        #expect(t.createdAt == ISODate.parse("2025-03-01T10:20:30Z"))
        #expect(t.expiresAt == nil)
        #expect(t.amount == "9.00")
    }

    @Test func mapsSinceEndpointRecordsWithNumbers() throws {
        let mapper = TransactionRecordMapper(style: .sinceEndpoint, usernameField: "tradingview_username", productField: nil)
        let t = try #require(mapper.map(try decode("""
        {"id": 12, "product_id": 101, "email": "b@example.com", "wp_username": "bob", "tradingview_username": "BobTV",
         "status": "confirmed", "created_at": "2025-03-01 10:20:30", "expires_at": "2025-04-01 10:20:30"}
        """)).transaction)
        #expect(t.id == "12" && t.productId == "101" && t.tradingViewUsername == "BobTV" && t.status == .confirmed)
        #expect(t.expiresAt == ISODate.parse("2025-04-01T10:20:30Z"))
    }

    @Test func rejectsWithReasonsInsteadOfDropping() throws {
        let mapper = TransactionRecordMapper(style: .memberpress, usernameField: "member.profile.mepr_tradingview_username", productField: nil)
        let batch = mapper.mapAll([
            try decode(#"{"status": "complete", "created_at": "2025-03-01 10:20:30", "membership": {"id": "1"}}"#),
            try decode(#"{"id": "7", "status": "complete", "created_at": "2025-03-01 10:20:30"}"#),
            try decode(#"{"id": "8", "status": "weird", "created_at": "2025-03-01 10:20:30", "membership": {"id": "1"}}"#),
            try decode(#"{"id": "9", "status": "complete", "created_at": "yesterday", "membership": {"id": "1"}}"#),
            try decode(#"{"id": "10", "status": "pending", "created_at": "2025-03-01 10:20:30", "membership": {"id": 1}}"#),
        ])
        #expect(batch.transactions.map(\.id) == ["10"])
        #expect(batch.transactions.first?.tradingViewUsername == "")
        #expect(batch.rejected.map(\.recordId) == [nil, "7", "8", "9"])
        #expect(batch.rejected[1].reason.contains("membership.id"))
        #expect(batch.rejected[2].reason.contains("weird"))
    }
}

@Suite struct RetryMathTests {
    @Test func parsesRetryAfterSecondsAndDates() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryAfter.parse("5", now: now) == 5)
        #expect(RetryAfter.parse(" 0 ", now: now) == 0)
        #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:13:40 GMT", now: now) == 20)
        #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:00:00 GMT", now: now) == 0)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse(nil, now: now) == nil)
    }

    @Test func backoffGrowsIsCappedAndJittered() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: 0.5, maxDelay: 3)
        #expect(policy.ceiling(afterAttempt: 1) == 0.5)
        #expect(policy.ceiling(afterAttempt: 2) == 1)
        #expect(policy.ceiling(afterAttempt: 3) == 2)
        #expect(policy.ceiling(afterAttempt: 4) == 3)
        #expect(policy.ceiling(afterAttempt: 60) == 3)
        for attempt in 1...6 {
            for unit in [0.0, 0.3, 1.0, 7.0, -1.0] {
                let d = policy.delay(afterAttempt: attempt, unit: unit)
                #expect(d >= 0 && d <= policy.ceiling(afterAttempt: attempt))
            }
        }
        #expect(RetryPolicy.isRetryable(status: 429) && RetryPolicy.isRetryable(status: 503))
        #expect(!RetryPolicy.isRetryable(status: 404) && !RetryPolicy.isRetryable(status: 200))
    }

    @Test func tokenBucketSpacesRequestsAndPauses() {
        var bucket = TokenBucket(perMinute: 30, burst: 2, now: 0)
        #expect(bucket.reserve(now: 0) == 0)
        #expect(bucket.reserve(now: 0) == 0)
        #expect(bucket.reserve(now: 0) == 2)      // 30/min = one every 2 s
        #expect(bucket.reserve(now: 0) == 4)
        var paused = TokenBucket(perMinute: 60, burst: 5, now: 0)
        paused.pause(until: 10, now: 0)
        #expect(paused.reserve(now: 1) == 9)       // nothing before the pause ends,
        #expect(paused.reserve(now: 1) == 10)      // then one a second, no burst
    }
}

@Suite struct MailTests {
    @Test func templateEscapesEveryValue() {
        let template = MailTemplate(source: "<p>Hi {{ name }}, {{username}}{{missing}}</p> {{unclosed")
        let html = template.render(["name": "<script>alert('x')</script>", "username": "A&B \"q\""])
        #expect(html == "<p>Hi &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;, A&amp;B &quot;q&quot;</p> {{unclosed")
        #expect(MailTemplate.invalidUsername.render(["username": "<b>"]).contains("&lt;b&gt;"))
    }

    @Test func refusesHeaderInjection() {
        let from = "shop@example.com"
        #expect(throws: MailError.unsafeHeader(field: "subject")) {
            try MailMessageBuilder.build(from: from, message: MailMessage(to: "a@example.com", subject: "Hi\r\nBcc: x@evil.com", html: ""),
                                         date: Date(), messageId: "1")
        }
        #expect(throws: MailError.unsafeHeader(field: "to")) {
            try MailMessageBuilder.build(from: from, message: MailMessage(to: "a@example.com\nBcc: x@evil.com", subject: "Hi", html: ""),
                                         date: Date(), messageId: "1")
        }
        #expect(throws: MailError.self) {
            try MailMessageBuilder.build(from: from, message: MailMessage(to: "a@example.com>, <b@example.com", subject: "Hi", html: ""),
                                         date: Date(), messageId: "1")
        }
    }

    @Test func buildsAnRFC5322Message() throws {
        let text = try MailMessageBuilder.build(from: "shop@example.com",
                                                message: MailMessage(to: "a@example.com", subject: "Grüße", html: "<p>.hi</p>"),
                                                date: Date(timeIntervalSince1970: 0), messageId: "abc")
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(text.contains("Message-ID: <abc@example.com>\r\n"))
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("Content-Type: text/html; charset=utf-8\r\n"))
        let body = try #require(text.components(separatedBy: "\r\n\r\n").last)
        #expect(Data(base64Encoded: body.trimmingCharacters(in: .whitespacesAndNewlines)) == Data("<p>.hi</p>".utf8))
    }
}
