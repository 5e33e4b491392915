import Foundation
import Testing
@testable import AccessCore

/// The customer fix link's parts: token signing and checking, the key in the vault, the used record, the
/// rate limiter, form parsing, HTML escaping, and the mail with and without a link.
@Suite struct FixLinkTokenTests {
    let signer = FixLinkSigner(keyBytes: Data((0..<32).map { UInt8($0) }))
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var token: FixLinkToken { FixLinkToken(transactionId: "4711", expiresAt: now.addingTimeInterval(3_600), nonce: "00112233445566aa") }

    @Test func aSignedTokenVerifiesToItsFieldsUntilItExpires() throws {
        let text = signer.sign(token)
        #expect(text.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) })
        #expect(try signer.verify(text, now: now).get() == token)
        #expect(try signer.verify(text, now: now.addingTimeInterval(3_599)).get().transactionId == "4711")
        #expect(signer.verify(text, now: now.addingTimeInterval(3_600)) == .failure(.expired))
    }

    @Test func anyChangedCharacterOrOtherKeyIsRefusedAsInvalid() {
        let text = signer.sign(token)
        for i in [0, 5, text.count / 2, text.count - 1] {
            var chars = Array(text)
            chars[i] = chars[i] == "A" ? "B" : "A"
            #expect(signer.verify(String(chars), now: now) == .failure(.invalid), "changed at \(i)")
        }
        let other = FixLinkSigner(keyBytes: Data(repeating: 7, count: 32))
        #expect(other.verify(text, now: now) == .failure(.invalid))
        // A payload re-signed by nobody: a later expiry with the old signature.
        let forged = FixLinkToken(transactionId: "4711", expiresAt: now.addingTimeInterval(99_999), nonce: token.nonce)
        let forgedBody = signer.sign(forged).split(separator: ".")[0]
        #expect(signer.verify(forgedBody + "." + text.split(separator: ".")[1], now: now) == .failure(.invalid))
    }

    @Test func oversizedMalformedAndForeignTextIsRefusedUnread() {
        for bad in ["", ".", "abc", "a.b.c", String(repeating: "A", count: FixLinkToken.maxLength + 1) + ".x",
                    "<script>.x", "%2e%2e", signer.sign(token) + "="] {
            #expect(signer.verify(bad, now: now) == .failure(.invalid), "\(bad.prefix(20))")
        }
    }

    @Test func aTransactionIdWithTheSeparatorSurvives() throws {
        let odd = FixLinkToken(transactionId: "a|b|c", expiresAt: now.addingTimeInterval(60))
        #expect(try signer.verify(signer.sign(odd), now: now).get().transactionId == "a|b|c")
        #expect(odd.nonce.count == 16 && odd.nonce != FixLinkToken(transactionId: "x", expiresAt: now).nonce)
    }
}

@Suite struct FixLinkStorageTests {
    @Test func theKeyIsMadeOnceSealedInTheVaultAndSharedByEveryProcess() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let first = FixLinkKeyFile(directory: dir.url, environment: [:])
        let second = FixLinkKeyFile(directory: dir.url, environment: [:])
        let token = FixLinkToken(transactionId: "9", expiresAt: Date().addingTimeInterval(60))
        let text = try first.signer().sign(token)
        #expect(try second.signer().verify(text, now: Date()).get() == token)
        let mode = (try FileManager.default.attributesOfItem(atPath: first.path)[.posixPermissions] as! NSNumber).intValue
        #expect(mode == 0o600)
        let sealed = try Data(contentsOf: URL(fileURLWithPath: first.path))
        #expect(sealed.prefix(4) == Data("ACK1".utf8) && sealed.count > 4 + 32)
        // Another vault key cannot open it: a clear error, not a silently different key.
        let stranger = FixLinkKeyFile(directory: dir.url, environment: ["ACCESS_CONSOLE_KEY": CookieVaultTests.key()])
        #expect(throws: VaultError.self) { try stranger.signer() }
    }

    @Test func aUsedLinkStaysUsedForANewReader() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let token = FixLinkToken(transactionId: "5", expiresAt: Date().addingTimeInterval(60))
        let used = UsedFixLinks(path: dir.path("used"))
        #expect(!used.contains(token))
        try used.record(token, at: Date())
        #expect(UsedFixLinks(path: dir.path("used")).contains(token))
        #expect(!used.contains(FixLinkToken(transactionId: "5", expiresAt: token.expiresAt)))  // another link of the same purchase
    }
}

@Suite struct FixLinkInputTests {
    @Test func theLimiterCountsPerKeyAndWindow() {
        let limiter = FixRateLimiter(limit: 3, window: 60, maxKeys: 2)
        let t0 = Date(timeIntervalSince1970: 1_000)
        #expect((0..<3).allSatisfy { _ in limiter.allow("a", now: t0).allowed })
        #expect(limiter.allow("a", now: t0.addingTimeInterval(59)) == .firstRefusal)
        #expect(limiter.allow("a", now: t0.addingTimeInterval(59)) == .refused)
        #expect(limiter.allow("b", now: t0) == .allowed)
        #expect(limiter.allow("a", now: t0.addingTimeInterval(60)) == .allowed)   // next window
        #expect(limiter.allow("c", now: t0.addingTimeInterval(61)) == .allowed)   // b's window is over: room again
        #expect(limiter.keyCount == 2)
    }

    @Test func aFullTableDropsTheOldestWindowInsteadOfRefusingANewKey() {
        // An attacker rotating addresses fills the table; a customer arriving next still gets in.
        let limiter = FixRateLimiter(limit: 2, window: 600, maxKeys: 100)
        let t0 = Date(timeIntervalSince1970: 1_000)
        for i in 0..<100 { #expect(limiter.allow("attacker-\(i)", now: t0.addingTimeInterval(Double(i) / 10)).allowed) }
        #expect(limiter.allow("customer", now: t0.addingTimeInterval(11)) == .allowed)
        #expect(limiter.keyCount == 100)
        // The oldest went: attacker-0 starts a fresh window, attacker-99 is still counted.
        #expect(limiter.allow("attacker-99", now: t0.addingTimeInterval(12)) == .allowed)
        #expect(limiter.allow("attacker-99", now: t0.addingTimeInterval(12)) == .firstRefusal)
        #expect(limiter.allow("customer", now: t0.addingTimeInterval(12)) == .allowed)
        #expect(limiter.allow("customer", now: t0.addingTimeInterval(12)) == .firstRefusal)
        // Many more rotations keep the table (and its order list) bounded.
        for i in 0..<10_000 { _ = limiter.allow("rotating-\(i)", now: t0.addingTimeInterval(20 + Double(i) / 100)) }
        #expect(limiter.keyCount == 100 && limiter.orderCount <= 400)
        #expect(limiter.allow("late-customer", now: t0.addingTimeInterval(200)) == .allowed)
    }

    @Test func formBodiesDecodePlusPercentAndKeepTheFirstOfAName() {
        let form = FormBody.parse(Data("token=ab.cd&username=%40Trader+One%2F&username=second&empty=&bad=%zz%".utf8))
        #expect(form["token"] == "ab.cd")
        #expect(form["username"] == "@Trader One/")
        #expect(form["empty"] == "")
        #expect(form["bad"] == "%zz%")
        #expect(FormBody.parse(Data("username=%3Cb%3E%22%27%07".utf8))["username"] == "<b>\"'\u{7}")
    }

    @Test func usernamesAreNormalizedFromWhatCustomersType() {
        #expect(Username.normalize("  @alice_fx ") == "alice_fx")
        #expect(Username.normalize("https://www.tradingview.com/u/AlgoAlex/#published") == "AlgoAlex")
        #expect(Username.normalize("@@bob") == "bob")
        #expect(Username.normalize("<script>") == nil)
        #expect(Username.normalize("two words") == nil)
        #expect(Username.normalize("   ") == nil)
    }

    @Test func htmlEscapingCoversMarkupQuotesAndControlCharacters() {
        #expect(HTMLText.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTMLText.escape("a\u{1B}[2Jb\u{7}\nc") == "a^[[2Jb^G^Jc")
        #expect(HTMLText.escape("evil\u{202E}txt.exe") == "evil\\u{202e}txt.exe")
        #expect(HTMLText.escape("Zoë 株") == "Zoë 株")
        #expect(MailTemplate.escape("<b>") == "&lt;b&gt;")
    }
}

@Suite struct FixLinkMailTests {
    func settings(_ dir: TempDir, link: Bool) -> SyncSettings {
        var s = SyncSettings(products: ["101": ProductConfig(title: "Alpha monthly", scripts: [])])
        if link {
            s.fixLinks = FixLinkIssuer(baseURL: "https://access.example.com/", days: 3,
                                       keys: FixLinkKeyFile(directory: dir.url, environment: [:]),
                                       clock: { Date(timeIntervalSince1970: 1_800_000_000) })
        }
        return s
    }

    func item(_ reason: ReviewReason) -> ReviewItem {
        ReviewItem(id: reason == .refund ? "42:refund" : "42", reason: reason, typedName: "<b>bad</b>", email: "ann@example.com",
                   transactionId: "42", productId: "101", term: .months(1), detail: "", createdAt: Date())
    }

    @Test func withoutAPublicBaseURLTheMailIsAsBefore() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let mail = InvalidUsernameMail.message(for: item(.invalidUsername), settings: settings(dir, link: false))
        #expect(mail.html == MailTemplate.invalidUsername.render([
            "name": "ann", "username": "<b>bad</b>", "product": "Alpha monthly", "transaction_id": "42", "support_email": "our team"]))
        #expect(!mail.html.contains("/fix/"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("fix-link.key.enc")))
    }

    @Test func theMailCarriesASignedLinkForThePurchaseThatExpiresAfterTheConfiguredDays() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let s = settings(dir, link: true)
        let mail = InvalidUsernameMail.message(for: item(.invalidUsername), settings: s)
        let link = try #require(mail.html.range(of: #"https://access\.example\.com/fix/[A-Za-z0-9_.-]+"#, options: .regularExpression)
            .map { String(mail.html[$0]) })
        #expect(mail.html.contains("&lt;b&gt;bad&lt;/b&gt;"))
        let text = String(link.dropFirst("https://access.example.com/fix/".count))
        let token = try FixLinkKeyFile(directory: dir.url, environment: [:]).signer()
            .verify(text, now: Date(timeIntervalSince1970: 1_800_000_000)).get()
        #expect(token.transactionId == "42")
        #expect(token.expiresAt == Date(timeIntervalSince1970: 1_800_000_000 + 3 * 86_400))
    }

    @Test func refundsNeverGetALinkAndCustomTemplatesGetOneWithoutAPlaceholder() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var s = settings(dir, link: true)
        #expect(s.fixLinks?.link(for: item(.refund)) == nil)
        #expect(s.fixLinks?.link(for: item(.conflict)) == nil)
        s.mailTemplate = MailTemplate(source: "<html><body><p>Hi {{name}}</p></BODY></html>")
        let html = InvalidUsernameMail.message(for: item(.invalidUsername), settings: s).html
        #expect(html.hasPrefix("<html><body><p>Hi ann</p><p>Correct your TradingView username here: <a href=\"https://access.example.com/fix/"))
        #expect(html.hasSuffix("</a></p>\n</BODY></html>"))
    }
}

@Suite struct FixLinkConfigTests {
    @Test func fixLinkDaysIsCheckedAndNamedByItsPath() throws {
        let t = ConfigTests()
        var doc = try t.exampleDoc()
        var server = doc["server"] as! [String: Any]
        server["public_base_url"] = "https://access.example.com"
        for (days, ok) in [(14.0, true), (0.0, false), (400.0, false), (2.5, false)] {
            server["fix_link_days"] = days
            doc["server"] = server
            let issues = t.issues(doc)
            #expect(ok ? issues.isEmpty : issues.contains { $0.contains("server.fix_link_days") }, "\(days): \(issues)")
        }
    }
}

@Suite struct FixClientAddressTests {
    @Test func forwardedForCountsOnlyFromALoopbackProxyAndOnlyItsLastEntry() {
        #expect(FixClientAddress.key(peer: "127.0.0.1", forwardedFor: nil) == "127.0.0.1")
        #expect(FixClientAddress.key(peer: "127.0.0.1", forwardedFor: "203.0.113.7") == "203.0.113.7")
        #expect(FixClientAddress.key(peer: "::1", forwardedFor: "1.1.1.1, 203.0.113.7") == "203.0.113.7")  // the client's own guess ignored
        #expect(FixClientAddress.key(peer: "198.51.100.2", forwardedFor: "203.0.113.7") == "198.51.100.2")  // not via our proxy
        #expect(FixClientAddress.key(peer: "127.0.0.1", forwardedFor: "<script>") == "127.0.0.1")
        #expect(FixClientAddress.key(peer: nil, forwardedFor: "203.0.113.7") == "unknown")
    }
}

@Suite struct FixLinkSubmitOrderTests {
    /// Submits of one purchase never overlap; another purchase's are not held up by them.
    @Test func submitsOfOnePurchaseRunOneAtATime() async {
        let queue = OneSubmitPerPurchase()
        let inside = Locked<(now: Int, most: Int, order: [Int])>((0, 0, []))
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<40 {
                group.addTask {
                    await queue.run("4711") {
                        inside.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                        for _ in 0..<20 { await Task.yield() }  // give the others every chance to overlap
                        inside.withLock { $0.now -= 1; $0.order.append(i) }
                    }
                }
            }
        }
        let seen = inside.withLock { $0 }
        #expect(seen.most == 1)
        #expect(seen.order.count == 40)
        #expect(queue.heldCount == 0)
        // Another purchase's submit goes ahead while one is held.
        let other = await queue.run("4711") { await queue.run("4712") { "ran" } }
        #expect(other == "ran")
    }

    @Test func recentFixesKeepTheLastPagesOnly() {
        let recent = RecentFixes(capacity: 2)
        let page = FixDone(username: "A", grants: [], dryRun: false)
        recent.remember("n1", page); recent.remember("n2", page); recent.remember("n3", page)
        #expect(recent.page("n1") == nil && recent.page("n2") == page && recent.page("n3") == page)
    }
}

/// A small lock-protected value for tests.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) -> R) -> R { lock.lock(); defer { lock.unlock() }; return body(&value) }
}
