import Foundation
import Testing
@testable import AccessCore

enum Fixture {
    static let utc: Calendar = { var c = Calendar(identifier: .gregorian); c.timeZone = TimeZone(identifier: "UTC")!; return c }()
    static func date(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 12) -> Date {
        utc.date(from: DateComponents(year: y, month: m, day: d, hour: h))!
    }
    static let script = "PUB;abc"
    static let other = "PUB;def"

    static func product(_ term: AccessTerm, stacking: Bool, scripts: [String] = [script]) -> ProductConfig {
        ProductConfig(title: nil, scripts: scripts.map { ScriptTerm(scriptId: $0, term: term, stacking: stacking) })
    }

    static func tx(_ id: String, _ name: String, product: String = "p1", status: TransactionStatus = .complete,
                   at: Date = date(2025, 1, 30), email: String = "c@example.com") -> Transaction {
        Transaction(id: id, productId: product, email: email, tradingViewUsername: name, status: status, createdAt: at)
    }

    static func user(_ name: String, _ expiry: Date?) -> UserAccess { UserAccess(username: name, expiry: expiry) }

    static func state(_ users: [UserAccess] = [], scriptId: String = script) -> ScriptAccess {
        var s = ScriptAccess(scriptId: scriptId)
        s.bootstrapped = true
        for u in users { s.users[Username.key(u.username)] = u }
        return s
    }
}

@Suite struct SyncPlannerTests {
    typealias F = Fixture
    let now = F.date(2025, 1, 31)

    func plan(_ txs: [Transaction], products: [String: ProductConfig] = ["p1": F.product(.months(1), stacking: true)],
              states: [ScriptAccess] = [F.state()], known: [String: String] = [:], at: Date? = nil) -> SyncPlan {
        SyncPlanner.plan(.init(transactions: txs, products: products,
                               states: Dictionary(uniqueKeysWithValues: states.map { ($0.scriptId, $0) }),
                               now: at ?? now, knownNames: known, maxAttempts: 3))
    }

    func writes(_ p: SyncPlan, _ sid: String = F.script) -> [PlannedWrite] { p.scripts.first { $0.scriptId == sid }!.writes }
    func reviews(_ p: SyncPlan, _ sid: String = F.script) -> [PlannedReview] { p.scripts.first { $0.scriptId == sid }!.reviews }

    @Test func newUserOnJan31GetsCalendarMonth() {
        let w = writes(plan([F.tx("1", " @Alice ")]))
        #expect(w.count == 1)
        #expect(w[0].operation == .grant)
        #expect(w[0].username == "Alice")
        #expect(w[0].needsValidation)
        #expect(w[0].before == .none)
        #expect(w[0].after == .until(F.date(2025, 2, 28)))
    }

    @Test func stackingExtendsFromFutureExpiry() {
        let s = F.state([F.user("Bob", F.date(2025, 3, 10))])
        let w = writes(plan([F.tx("1", "bob")], states: [s]))
        #expect(w.count == 1)
        #expect(w[0].operation == .extend)
        #expect(w[0].username == "Bob", "master data's spelling, not the typed one")
        #expect(!w[0].needsValidation)
        #expect(w[0].after == .until(F.date(2025, 4, 10)))
    }

    @Test func stackingFromPastExpiryStartsNowAndRegrants() {
        let s = F.state([F.user("Bob", F.date(2024, 12, 1))])
        let w = writes(plan([F.tx("1", "Bob")], states: [s]))
        #expect(w[0].operation == .grant, "expired access is added again, not modified")
        #expect(w[0].after == .until(F.date(2025, 2, 28)))
    }

    @Test func withoutStackingNeverShortensAndOtherwiseSetsNowPlusTerm() {
        let products = ["p1": F.product(.months(1), stacking: false)]
        let later = F.state([F.user("Bob", F.date(2025, 6, 1))])
        let w1 = writes(plan([F.tx("1", "Bob")], products: products, states: [later]))
        #expect(w1[0].after == .until(F.date(2025, 6, 1)))
        #expect(w1[0].changesNothing)
        let sooner = F.state([F.user("Bob", F.date(2025, 2, 5))])
        let w2 = writes(plan([F.tx("1", "Bob")], products: products, states: [sooner]))
        #expect(w2[0].after == .until(F.date(2025, 2, 28)))
        #expect(!w2[0].changesNothing)
    }

    @Test func lifetimeIsNeverShortenedAndALifetimePurchaseMakesIt() {
        let life = F.state([F.user("Carol", nil)])
        let w1 = writes(plan([F.tx("1", "carol")], states: [life]))
        #expect(w1[0].after == .lifetime)
        #expect(w1[0].changesNothing)

        let products = ["p1": F.product(.months(1), stacking: true), "pl": F.product(.lifetime, stacking: true)]
        let monthly = F.state([F.user("Dave", F.date(2025, 3, 1))])
        let w2 = writes(plan([F.tx("1", "Dave", product: "pl"), F.tx("2", "Dave", at: F.date(2025, 1, 31))],
                             products: products, states: [monthly]))
        #expect(w2.count == 1)
        #expect(w2[0].after == .lifetime, "a later monthly purchase does not undo lifetime")
        #expect(w2[0].operation == .extend)
        #expect(w2[0].covers.map(\.workId) == ["1", "2"])
    }

    @Test func repeatBuyerPurchasesCombineIntoOneWrite() {
        let txs = [F.tx("3", "https://www.tradingview.com/u/Erin/", at: F.date(2025, 1, 30, 14)),
                   F.tx("1", "erin", at: F.date(2025, 1, 30, 9)),
                   F.tx("2", "@ERIN", at: F.date(2025, 1, 30, 10))]
        let w = writes(plan(txs))
        #expect(w.count == 1, "one TradingView write for three purchases")
        #expect(w[0].covers.map(\.workId) == ["1", "2", "3"])
        #expect(w[0].key == "erin")
        #expect(w[0].after == .until(F.date(2025, 4, 28)), "Jan 31 -> Feb 28 -> Mar 28 -> Apr 28: each month from the last expiry")

        let flat = writes(plan(txs, products: ["p1": F.product(.months(1), stacking: false)]))
        #expect(flat.count == 1)
        #expect(flat[0].after == .until(F.date(2025, 2, 28)))
    }

    @Test func refundsGoToReviewNeverRemoval() {
        let s = F.state([F.user("Fay", F.date(2025, 3, 1))])
        var st = s
        st.processedTransactions = ["9"]
        let p = plan([F.tx("9", "Fay", status: .refunded), F.tx("8", "Gus", status: .chargeback)], states: [st])
        #expect(writes(p).isEmpty)
        let r = reviews(p)
        #expect(r.map(\.item.id) == ["8:refund", "9:refund"])
        #expect(r.allSatisfy { $0.item.reason == .refund && !$0.sendEmail })
        #expect(r[1].item.detail.contains("after access was granted"))
        #expect(r[1].markProcessed == ["9:refund"])

        st.processedTransactions.insert("9:refund")
        let again = plan([F.tx("9", "Fay", status: .refunded)], states: [st])
        #expect(reviews(again).isEmpty, "a refund is put to review once")
    }

    @Test func pendingAndFailedAreIgnoredButNotProcessed() {
        let p = plan([F.tx("1", "Hal", status: .pending), F.tx("2", "Hal", status: .failed)])
        #expect(writes(p).isEmpty)
        #expect(reviews(p).isEmpty)
        #expect(p.scripts[0].ignored == ["1", "2"])
    }

    @Test func alreadyHandledTransactionsAreSkipped() {
        var s = F.state()
        s.processedTransactions = ["1"]
        s.retryQueue["2"] = RetryItem(id: "2", operation: .grant, username: "Ivy", email: nil, term: .months(1),
                                      transactionId: "2", attempts: 1, nextAttemptAt: F.date(2025, 2, 5),
                                      lastError: "timeout", createdAt: F.date(2025, 1, 30))
        s.reviewQueue["3"] = ReviewItem(id: "3", reason: .conflict, typedName: "Jo", email: "", transactionId: "3",
                                        productId: "p1", term: .months(1), detail: "x", createdAt: now)
        let p = plan([F.tx("1", "Ann"), F.tx("2", "Ivy"), F.tx("3", "Jo"), F.tx("1", "Ann")], states: [s])
        #expect(writes(p).isEmpty)
        #expect(p.scripts[0].alreadyHandled == 3)
        #expect(p.scripts[0].deferredRetries == 1, "a re-fetched transaction with a retry item is not planned twice")
    }

    @Test func unusableNamesGoToReviewWithOneEmail() {
        let p = plan([F.tx("1", "   "), F.tx("2", "not a name!")])
        #expect(writes(p).isEmpty)
        let r = reviews(p)
        #expect(r.map(\.item.reason) == [.invalidUsername, .invalidUsername])
        #expect(r.allSatisfy { $0.sendEmail && $0.markProcessed == [$0.item.id] })
    }

    @Test func knownNamesSkipValidation() {
        let w = writes(plan([F.tx("1", "kim")], known: ["kim": "Kim"]))
        #expect(!w[0].needsValidation)
        #expect(w[0].username == "Kim")
    }

    @Test func planningOneScriptGivesItsPartOfTheWholePlan() {
        let products = ["p1": F.product(.months(1), stacking: true, scripts: [F.script, F.other]),
                        "p2": F.product(.months(3), stacking: true, scripts: [F.other])]
        let states = [F.state([F.user("Kim", F.date(2025, 3, 1))]), F.state([F.user("Lee", nil)], scriptId: F.other)]
        let txs = [F.tx("1", "kim"), F.tx("2", "lee", product: "p2"), F.tx("3", "new"), F.tx("4", ""),
                   F.tx("5", "kim", status: .refunded), F.tx("6", "x", product: "nope")]
        let whole = plan(txs, products: products, states: states, known: ["kim": "Kim"])
        let one = SyncPlanner.plan(.init(transactions: txs, products: products,
                                         states: [F.other: states[1]], now: now, knownNames: ["kim": "Kim"],
                                         maxAttempts: 3, only: [F.other]))
        #expect(one.scripts.map(\.scriptId) == [F.other])
        #expect(one.scripts == whole.scripts.filter { $0.scriptId == F.other })
        #expect(one.unmappedTransactions == ["6"] && one.unmappedTransactions == whole.unmappedTransactions)
        let none = SyncPlanner.plan(.init(transactions: txs, products: products, states: [:], now: now, only: []))
        #expect(none.scripts.isEmpty && none.unmappedTransactions == ["6"], "purchase-wide findings need no script")
    }

    @Test func orderIsDeterministic() {
        let txs = [F.tx("b", "Zed", at: F.date(2025, 1, 2)), F.tx("a", "Yan", at: F.date(2025, 1, 2)),
                   F.tx("c", "Xia", at: F.date(2025, 1, 1))]
        let names = writes(plan(txs)).map(\.username)
        #expect(names == ["Xia", "Yan", "Zed"])
        #expect(writes(plan(txs.reversed())).map(\.username) == names)
    }

    @Test func retryQueueItemsArePlannedWhenDueAndGiveUpAtMaxAttempts() {
        var s = F.state([F.user("Lou", F.date(2025, 2, 10))])
        s.retryQueue["7"] = RetryItem(id: "7", operation: .extend, username: "Lou", email: nil, term: .months(1),
                                      transactionId: "7", attempts: 1, nextAttemptAt: now, lastError: "HTTP 502",
                                      createdAt: F.date(2025, 1, 29))
        s.retryQueue["6"] = RetryItem(id: "6", operation: .grant, username: "Max", email: nil, term: .months(1),
                                      transactionId: "6", attempts: 3, nextAttemptAt: now, lastError: "HTTP 503",
                                      createdAt: F.date(2025, 1, 29))
        let p = plan([F.tx("8", "lou")], states: [s])
        let w = writes(p)
        #expect(w.count == 1, "the due retry and the fresh purchase of the same user combine")
        #expect(w[0].covers.map(\.workId) == ["7", "8"])
        #expect(w[0].after == .until(F.date(2025, 4, 10)))
        let r = reviews(p)
        #expect(r.count == 1)
        #expect(r[0].item.reason == .conflict)
        #expect(r[0].item.detail == "gave up after 3 attempts: HTTP 503")
        #expect(r[0].dropRetry == "6")
    }

    @Test func oneProductCanEntitleSeveralScripts() {
        let products = ["p1": F.product(.days(7), stacking: true, scripts: [F.script, F.other])]
        let p = plan([F.tx("1", "Ned")], products: products, states: [F.state(), F.state(scriptId: F.other)])
        #expect(writes(p).count == 1)
        #expect(writes(p, F.other).count == 1)
        #expect(writes(p, F.other)[0].after == .until(F.date(2025, 2, 7)))
        #expect(plan([F.tx("1", "Ned", product: "nope")]).unmappedTransactions == ["1"])
    }

    @Test func newestCreatedAtMovesTheMarker() {
        let p = plan([F.tx("1", "Oz", at: F.date(2025, 1, 2)), F.tx("2", "Oz", status: .pending, at: F.date(2025, 1, 9))])
        #expect(p.scripts[0].newestCreatedAt == F.date(2025, 1, 2), "pending payments do not move the marker")
    }
}

@Suite struct AccessStateTests {
    typealias F = Fixture
    @Test func rules() {
        let now = F.date(2025, 1, 31)
        #expect(AccessState.none.applying(.months(1), stacking: true, now: now) == .until(F.date(2025, 2, 28)))
        #expect(AccessState.lifetime.applying(.days(7), stacking: false, now: now) == .lifetime)
        #expect(AccessState.until(F.date(2025, 2, 1)).applying(.lifetime, stacking: false, now: now) == .lifetime)
        #expect(AccessState.until(F.date(2024, 2, 29)).applying(.years(1), stacking: true, now: now) == .until(F.date(2026, 1, 31)))
        #expect(AccessState.sameExpiry(F.date(2025, 1, 1), F.date(2025, 1, 1).addingTimeInterval(0.4)))
        #expect(!AccessState.sameExpiry(nil, F.date(2025, 1, 1)))
    }
}
