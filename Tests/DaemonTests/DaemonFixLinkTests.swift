import AccessCore
import AccessSandbox
import Foundation
import Testing

/// A customer fixes a mistyped TradingView name from the link in their mail: the real daemon binary,
/// the sandbox's TradingView, WordPress and SMTP sink, nothing stubbed.
@Suite(.serialized) struct DaemonFixLinkTests {
    static let bundle = ["PUB;1a2b3c4d5e6f708192a3b4c5d6e7f809", "PUB;7d3c1e9a0b2f4c6d8e1f2a3b4c5d6e7f",
                         "PUB;9f8e7d6c5b4a39281706f5e4d3c2b1a0"]

    /// Purchases of the three-script bundle (product 103) under names TradingView does not know; returns
    /// each customer's fix-link path (`/fix/TOKEN`) from the mail the daemon's sync sent them.
    func purchasesWithBadNames(_ d: DaemonHarness, _ customers: [(email: String, typed: String)]) async throws -> [String: String] {
        let now = Date()
        d.sandbox.addTransactions(customers.enumerated().map { i, c in
            SandboxTransaction(id: 0, productId: 103, email: c.email, wpUsername: "wp\(i)", tradingviewUsername: c.typed,
                               status: "complete", createdAt: now.addingTimeInterval(-Double(60 - i)), expiresAt: nil)
        })
        #expect(try await d.syncAndWait() != "failed")
        var links: [String: String] = [:]
        for c in customers {
            let mail = try await eventually("the mail to \(c.email)") { () -> AccessSandbox.MailMessage? in
                d.sandbox.snapshot().mail.first { $0.to.contains { $0.contains(c.email) } }
            }
            let html = Self.body(mail.data)
            #expect(html.contains("We could not find a TradingView account named"))
            let prefix = DaemonHarness.publicBaseURL + "/fix/"
            let pattern = NSRegularExpression.escapedPattern(for: prefix) + "[A-Za-z0-9_.-]+"
            let found = html.range(of: pattern, options: .regularExpression).map { String(html[$0]) }
            let link = try #require(found, "no link in: \(html)")
            links[c.email] = String(link.dropFirst(DaemonHarness.publicBaseURL.count))
        }
        return links
    }

    /// The HTML of a mail as the SMTP sink got it (headers, blank line, base64 body).
    static func body(_ data: String) -> String {
        guard let split = data.range(of: "\r\n\r\n") else { return data }
        let b64 = data[split.upperBound...].filter { !$0.isWhitespace && $0 != "." }
        return String(decoding: Data(base64Encoded: String(b64)) ?? Data(), as: UTF8.self)
    }

    /// What a real browser sends with the form's POST from our page.
    static let browser = [("Origin", "null"), ("Sec-Fetch-Site", "same-origin")]

    func page(_ d: DaemonHarness, _ path: String) async throws -> (Int, String) {
        let (status, body) = try await d.request("GET", path)
        return (status, String(decoding: body, as: UTF8.self))
    }

    func post(_ d: DaemonHarness, _ path: String, name: String, token: String? = nil, headers: [(String, String)] = []) async throws -> (Int, String) {
        let t = token ?? String(path.dropFirst("/fix/".count))
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let form = "token=\(t.addingPercentEncoding(withAllowedCharacters: allowed)!)&username=\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        let (status, body) = try await d.request("POST", path, headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers,
                                                 body: Data(form.utf8))
        return (status, String(decoding: body, as: UTF8.self))
    }

    func openItems(_ d: DaemonHarness, _ typed: String) throws -> Int {
        try Self.bundle.reduce(0) { n, script in
            n + (try ScriptStore.peek(directory: d.dir.appendingPathComponent("masterData"), scriptId: script))
                .reviewQueue.values.filter { $0.typedName == typed }.count
        }
    }

    @Test func wrongNameThenTheRightOneAsLowercaseAtGrantsTheWholeBundleOnceAndTheLinkDies() async throws {
        try await withDaemon(fixLinks: true) { (d: DaemonHarness) async throws in
            d.sandbox.addAccount("FixMeTrader")
            let links = try await purchasesWithBadNames(d, [("fixme@example.com", "FixMeTradr"), ("later@example.com", "LaterTradr")])
            let link = try #require(links["fixme@example.com"])
            #expect(try openItems(d, "FixMeTradr") == 3)

            var (status, html) = try await page(d, link)
            #expect(status == 200)
            #expect(html.contains("<html lang=\"en\">") && html.contains("name=\"viewport\"") && !html.contains("<script"))
            #expect(html.contains("Bundle quarterly") && html.contains("FixMeTradr"))
            #expect(html.contains("<form method=\"post\" action=\"./\(link.dropFirst("/fix/".count))\">"))
            #expect(html.contains("<label for=\"username\">"))
            #expect(html.contains("tradingview.com/u/"))

            // The pages keep the token to our own origin; a browser then posts the form as Chromium and Firefox
            // do from such a page: `Origin: null`, `Sec-Fetch-Site: same-origin`.
            let served = try await d.http.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(d.port)\(link)", headers: []))
            #expect(served.headers["referrer-policy"] == "same-origin")
            // A name TradingView does not know: the form again, with the name and the reason.
            (status, html) = try await post(d, link, name: "NoSuchTraderAtAll", headers: Self.browser)
            #expect(status == 422, "\(html)")
            #expect(html.contains("TradingView has no user named") && html.contains("NoSuchTraderAtAll") && html.contains("<form"))

            // Hostile text: markup, quotes, control characters come back escaped, never as markup.
            (status, html) = try await post(d, link, name: "<script>alert(\"x\")</script>'&\u{7}\u{202E}")
            #expect(status == 422)
            #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;^G\\u{202e}"))
            #expect(!html.contains("<script") && !html.contains("\u{7}") && !html.contains("\u{202E}"))

            // Not from its own page: no hidden token, another token, another site.
            #expect(try await post(d, link, name: "FixMeTrader", token: "").0 == 403)
            #expect(try await post(d, link, name: "FixMeTrader", token: String(try #require(links["later@example.com"]).dropFirst(5))).0 == 403)
            #expect(try await post(d, link, name: "FixMeTrader", headers: [("Origin", "https://evil.example")]).0 == 403)
            #expect(try await post(d, link, name: "FixMeTrader", headers: [("Origin", "null"), ("Sec-Fetch-Site", "cross-site")]).0 == 403)
            #expect(try await post(d, link, name: "FixMeTrader", headers: [("Referer", "https://evil.example/x")]).0 == 403)
            let big = Data(("token=x&username=" + String(repeating: "a", count: 5_000)).utf8)
            #expect(try await d.request("POST", link, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: big).0 == 413)
            #expect(d.sandbox.snapshot().writes.filter { $0.username.lowercased() == "fixmetrader" }.isEmpty)

            // The right name, as the customer might type it: TradingView's spelling granted on every script.
            let before = Date()
            (status, html) = try await post(d, link, name: " @fixmetrader ", headers: Self.browser)
            #expect(status == 200, "\(html)")
            #expect(html.contains("<strong class=\"canonical\">FixMeTrader</strong>"))
            let writes = d.sandbox.snapshot().writes.filter { $0.username.lowercased() == "fixmetrader" }
            #expect(writes.count == 3)
            #expect(Set(writes.map(\.pineId)) == Set(Self.bundle))
            #expect(writes.allSatisfy { $0.username == "FixMeTrader" && $0.op == "add" })
            let until = try #require(writes.first?.expiration)
            #expect(until > before.addingTimeInterval(88 * 86_400) && until < before.addingTimeInterval(93 * 86_400))  // 3M
            let day = DateFormatter()
            day.locale = Locale(identifier: "en_US_POSIX"); day.timeZone = TimeZone(identifier: "UTC"); day.dateFormat = "d MMMM yyyy"
            #expect(html.contains("until \(day.string(from: until))"))
            #expect(try openItems(d, "FixMeTradr") == 0)
            #expect(try openItems(d, "LaterTradr") == 3)

            // Who fixed it: history and the log say the customer, through the link.
            let state = try ScriptStore.peek(directory: d.dir.appendingPathComponent("masterData"), scriptId: Self.bundle[0])
            #expect(state.user("FixMeTrader")?.history.last?.actor == ActorName.customerViaLink)
            let resolved = try #require(d.event("review-resolve.ok"))
            #expect(resolved["actor"] == ActorName.customerViaLink)
            #expect(resolved["message"]?.contains("by the customer (fix link)") == true)

            // Works once: opening the link now shows a plain page, never the form. The form sent again with
            // another name is "already used" (issue 20.11: never "access granted" for a name nothing was done
            // for), and writes nothing more (the same name again is the same "done" page: aDoubleClick... below).
            (status, html) = try await page(d, link)
            #expect(status == 410 && html.contains("already used") && !html.contains("<form"))
            (status, html) = try await post(d, link, name: "SomeoneElse", headers: Self.browser)
            #expect(status == 410 && html.contains("already used") && !html.contains("access granted") && !html.contains("<form"))
            #expect(d.sandbox.snapshot().writes.filter { $0.username == "FixMeTrader" }.count == 3)
            #expect(d.sandbox.snapshot().writes.filter { $0.username.lowercased() == "someoneelse" }.isEmpty)

            // The link is a bearer secret: nowhere in the daemon's output or log.
            let token = String(link.dropFirst(5))
            let log = (try? String(contentsOf: d.dir.appendingPathComponent("logs/sync.log"), encoding: .utf8)) ?? ""
            #expect(!log.isEmpty && !log.contains(token) && !d.outputText.contains(token))
            let vault = d.dir.appendingPathComponent("vault/fix-link.key.enc").path
            #expect(FileManager.default.fileExists(atPath: vault))

            // After a restart only the used record is left: a plain page for the POST too.
            #expect(await d.terminate() != nil)
            try await d.start()
            (status, html) = try await post(d, link, name: "FixMeTrader", headers: Self.browser)
            #expect(status == 410 && html.contains("already used") && !html.contains("<form"))
        }
    }

    @Test func expiredTamperedAndAdminSettledLinksAreRefusedWithAPlainPage() async throws {
        try await withDaemon(fixLinks: true) { (d: DaemonHarness) async throws in
            let links = try await purchasesWithBadNames(d, [("old@example.com", "OldTradr"), ("admin@example.com", "AdminTradr")])
            let link = try #require(links["old@example.com"])

            d.setClock(Date().addingTimeInterval(15 * 86_400))  // the default 14 days are over
            var (status, html) = try await page(d, link)
            #expect(status == 410 && html.contains("expired") && !html.contains("<form"))
            #expect(try await post(d, link, name: "OldTradr").0 == 410)
            d.setClock(Date())
            #expect(try await page(d, link).0 == 200)  // only the clock refused it

            var chars = Array(link)
            chars[chars.count - 3] = chars[chars.count - 3] == "A" ? "B" : "A"
            (status, html) = try await page(d, String(chars))
            #expect(status == 404 && html.contains("not valid") && !html.contains("<form"))
            #expect(try await page(d, "/fix/" + String(repeating: "A", count: 600)).0 == 404)
            #expect(try await page(d, "/fix/%3Cscript%3E").0 == 404)

            // The admin dismissed it in the console meanwhile: the link is dead too.
            let admin = try #require(links["admin@example.com"])
            let id = try #require(try ScriptStore.peek(directory: d.dir.appendingPathComponent("masterData"), scriptId: Self.bundle[0])
                .reviewQueue.values.first { $0.typedName == "AdminTradr" }?.id)
            for script in Self.bundle {
                let (code, out) = try await d.cli(["review", "dismiss", "--script", script, id, "--reason", "asked by mail"])
                #expect(code == 0, "\(out)")
            }
            (status, html) = try await page(d, admin)
            #expect(status == 410 && html.contains("Nothing left to correct") && !html.contains("<form"))
            // Expired twice, tampered once, settled once; the two other made-up links from the same address
            // are only counted.
            _ = try await eventually("the refusal lines") { d.events("fixlink.refused") >= 4 ? true : nil }
            #expect(d.events("fixlink.refused") == 4)
        }
    }

    @Test func requestsAreLimitedPerLinkAndPerClientAddressWithOneLogLineEach() async throws {
        try await withDaemon(fixLinks: true) { (d: DaemonHarness) async throws in
            let links = try await purchasesWithBadNames(d, [("busy@example.com", "BusyTradr")])
            let link = try #require(links["busy@example.com"])
            var codes: [Int] = []
            for _ in 0..<15 { codes.append(try await page(d, link).0) }
            #expect(codes.prefix(12).allSatisfy { $0 == 200 })
            #expect(codes.suffix(3).allSatisfy { $0 == 429 })
            let (status, body) = try await d.request("POST", link, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                                     body: Data("token=x&username=BusyTrader".utf8))
            #expect(status == 429 && String(decoding: body, as: UTF8.self).contains("Too many attempts"))

            // Made-up links from one address: refused as invalid until the address's limit, then 429.
            var first429: Int?
            var i = 0
            while i < 90 && (first429 == nil || i < first429! + 10) {
                if try await page(d, "/fix/made-up-\(i).x").0 == 429, first429 == nil { first429 = i }
                i += 1
            }
            let at = try #require(first429)
            // 60 requests per address per window: the 15 GETs, the POST and `at` made-up links before this one.
            #expect(codes.count + 1 + at == 60)
            // Another client behind the proxy on loopback has its own budget.
            #expect(try await d.request("GET", "/fix/made-up.x", headers: [("X-Forwarded-For", "203.0.113.7")]).0 == 404)

            // Anyone can send these: one log line per limit and window, one per address for made-up links; the
            // rest are counted in /metrics. (The other client's line comes last: when it is out, all are.)
            _ = try await eventually("the other client's refusal line") { d.events("fixlink.refused") >= 2 ? true : nil }
            #expect(d.events("fixlink.limited") == 2, "\(d.outputText)")
            #expect(d.events("fixlink.refused") == 2)
            let metrics = String(decoding: try await d.request("GET", "/metrics").1, as: UTF8.self)
            #expect(metrics.contains("accessconsole_fixlink_refused_total{reason=\"invalid\"} \(at + 1)"), "\(metrics)")
            #expect(metrics.contains("accessconsole_fixlink_limited_total{per=\"link\"} 4"))
            #expect(metrics.contains("accessconsole_fixlink_limited_total{per=\"address\"} \(i - at)"))
        }
    }

    @Test func aDoubleClickGrantsOnceAndBothAnswersSaySo() async throws {
        try await withDaemon(fixLinks: true) { (d: DaemonHarness) async throws in
            d.sandbox.addAccount("TwinClicker")
            let links = try await purchasesWithBadNames(d, [("twin@example.com", "TwinClikr")])
            let link = try #require(links["twin@example.com"])
            async let one = post(d, link, name: "TwinClicker", headers: Self.browser)
            async let two = post(d, link, name: "TwinClicker", headers: Self.browser)
            let answers = try await [one, two]
            for (status, html) in answers {
                // Never "could not finish": the first did it, the second waited and shows the same page.
                #expect(status == 200, "\(status): \(html)")
                #expect(html.contains("<strong class=\"canonical\">TwinClicker</strong>") && !html.contains("try again"))
            }
            let writes = d.sandbox.snapshot().writes.filter { $0.username == "TwinClicker" }
            #expect(writes.count == 3 && Set(writes.map(\.pineId)) == Set(Self.bundle))
            #expect(try openItems(d, "TwinClikr") == 0)
            #expect(d.events("review-resolve.ok") == 3)
            // The same form sent once more (a reload resends it): the same page, nothing written again.
            let again = try await post(d, link, name: "TwinClicker", headers: Self.browser)
            #expect(again.0 == 200 && again.1.contains("<strong class=\"canonical\">TwinClicker</strong>"))
            #expect(d.sandbox.snapshot().writes.filter { $0.username == "TwinClicker" }.count == 3)
            // The used link posted again with another name: "already used", never "access granted" for it.
            let other = try await post(d, link, name: "SomeoneElse", headers: Self.browser)
            #expect(other.0 == 410 && other.1.contains("already used") && !other.1.contains("access granted"), "\(other)")
            // Opening the link shows the plain "already used" page.
            let opened = try await page(d, link)
            #expect(opened.0 == 410 && opened.1.contains("already used"))
        }
    }

    @Test func anUnreadableKeyShowsTryAgainAndTellsTheAdminWhatToDo() async throws {
        try await withDaemon(fixLinks: true, start: false) { (d: DaemonHarness) async throws in
            // A key file the daemon cannot use (damaged here; the same path as one another user made 0600).
            let vault = d.dir.appendingPathComponent("vault/fix-link.key.enc")
            try Data("ACK1 not a sealed box".utf8).write(to: vault)
            try await d.start()
            for _ in 0..<3 {
                let (status, html) = try await page(d, "/fix/QUJD.REVG")
                #expect(status == 503, "\(html)")
                #expect(html.contains("Please try again in a few minutes") && !html.contains("not valid"))
            }
            let (status, _) = try await post(d, "/fix/QUJD.REVG", name: "Someone", headers: Self.browser)
            #expect(status == 503)
            let failed = try await eventually("the admin's error line") { d.event("fixlink.failed") }
            #expect(failed["level"] == "error")
            let message = try #require(failed["message"])
            #expect(message.contains(vault.path) && message.contains("readable by the user the daemon runs as"))
            #expect(message.contains("damaged"))
            #expect(d.events("fixlink.failed") == 1)  // once per ten minutes, not once per request
        }
    }

    @Test func withoutAPublicBaseURLThereIsNoRouteAndNoLinkInTheMail() async throws {
        try await withDaemon { (d: DaemonHarness) async throws in
            let now = Date()
            d.sandbox.addTransactions([SandboxTransaction(id: 0, productId: 101, email: "plain@example.com", wpUsername: "plain",
                                                          tradingviewUsername: "PlainTradr", status: "complete",
                                                          createdAt: now.addingTimeInterval(-30), expiresAt: nil)])
            #expect(try await d.syncAndWait() != "failed")
            let mail = try await eventually("the mail") { () -> AccessSandbox.MailMessage? in
                d.sandbox.snapshot().mail.first { $0.to.contains { $0.contains("plain@example.com") } }
            }
            let html = Self.body(mail.data)
            #expect(html.contains("PlainTradr") && html.contains("Please reply to this mail") && !html.contains("/fix/"))
            #expect(try await page(d, "/fix/anything.x").0 == 404)
            #expect(!FileManager.default.fileExists(atPath: d.dir.appendingPathComponent("vault/fix-link.key.enc").path))
        }
    }
}
