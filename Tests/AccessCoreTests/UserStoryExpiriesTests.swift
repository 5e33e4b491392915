import Foundation
import Testing
@testable import AccessCore

/// Issue 21: the story shows the expiry TradingView holds (as last seen) beside the one the purchases
/// entitle, and flags a difference; every entry point names itself as the actor.
@Suite struct UserStoryExpiriesTests {
    static let now = ISODate.parse("2026-12-06T12:00:00Z")!
    static func day(_ n: Double) -> Date { now.addingTimeInterval(n * 86_400) }
    static let products: [String: ProductConfig] = [
        "p1": ProductConfig(title: nil, scripts: [ScriptTerm(scriptId: "s1", term: .months(1), stacking: true)]),
        "life": ProductConfig(title: nil, scripts: [ScriptTerm(scriptId: "s1", term: .lifetime, stacking: true)]),
        "other": ProductConfig(title: nil, scripts: [ScriptTerm(scriptId: "s2", term: .months(1), stacking: true)]),
    ]
    static func tx(_ id: String, _ product: String, at: Date, status: TransactionStatus = .complete) -> Transaction {
        Transaction(id: id, productId: product, email: "a@example.com", tradingViewUsername: "Ann", status: status, createdAt: at)
    }

    @Test func seenIsTheLastListReadOrAcknowledgedWrite() throws {
        let user = UserAccess(username: "Ann", expiry: Self.day(30), history: [
            HistoryEntry(at: Self.day(-40), actor: "sync", action: "bootstrap", expiry: Self.day(-10)),
            HistoryEntry(at: Self.day(-2), actor: "daemon", action: "extend", expiry: Self.day(30)),
            HistoryEntry(at: Self.day(-1), actor: "console (bob)", action: "extend", expiry: Self.day(60), result: "failed: 502"),
            HistoryEntry(at: Self.day(-1), actor: "console (bob)", action: "extend", expiry: Self.day(60), result: "dry-run"),
        ])
        let seen = try #require(UserStory.seen(user, events: []))
        #expect(seen.expiry == "2027-01-05" && seen.source == "write answered ok" && seen.at == Self.day(-2))
        var listed = user
        listed.history.append(HistoryEntry(at: Self.day(-0.5), actor: "cli (bob)", action: "resync-adopt", expiry: nil))
        #expect(UserStory.seen(listed, events: []) == UserStory.Seen(expiry: "lifetime", at: Self.day(-0.5), source: "list"))
        var revoked = user
        revoked.history.append(HistoryEntry(at: Self.day(-0.5), actor: "cli (bob)", action: "revoke", expiry: Self.day(-0.5)))
        #expect(UserStory.seen(revoked, events: [])?.expiry == "none")
        #expect(UserStory.seen(nil, events: []) == nil)
        let missing = AccessEvent(time: Self.day(-1), kind: .readbackMissing, script: "s1", user: "ann", message: "not kept")
        #expect(UserStory.seen(user, events: [missing]) == UserStory.Seen(expiry: "unknown", at: Self.day(-1), source: "read-back: not on the list"))
        let older = AccessEvent(time: Self.day(-3), kind: .readbackMissing, script: "s1", user: "Ann", message: "not kept")
        #expect(UserStory.seen(user, events: [older])?.source == "write answered ok", "a read-back before the last write is overtaken")
    }

    @Test func entitledCountsPaidPurchasesOfThisScriptFromTheirOwnDates() {
        let e = UserStory.entitled([Self.tx("1", "p1", at: Self.day(-10)), Self.tx("2", "p1", at: Self.day(-5)),
                                    Self.tx("3", "other", at: Self.day(-1)), Self.tx("4", "p1", at: Self.day(-1), status: .refunded)],
                                   scriptId: "s1", products: Self.products, now: Self.now)
        #expect(e.purchases == 2 && e.endedOn == nil)
        let expected = AccessCore.Entitlement.entitled(by: [
            EntitledPurchase(transactionId: "1", createdAt: Self.day(-10), term: .months(1), stacking: true, end: nil),
            EntitledPurchase(transactionId: "2", createdAt: Self.day(-5), term: .months(1), stacking: true, end: nil)])
        #expect(e.expiry == UserStory.label(expected))
        #expect(UserStory.entitled([Self.tx("9", "life", at: Self.day(-900))], scriptId: "s1", products: Self.products, now: Self.now).expiry == "lifetime")
        let ended = UserStory.entitled([Self.tx("8", "p1", at: Self.day(-400))], scriptId: "s1", products: Self.products, now: Self.now)
        #expect(ended.expiry == "none" && ended.endedOn != nil)
        #expect(UserStory.entitled([], scriptId: "s1", products: Self.products, now: Self.now).expiry == "none")
    }

    @Test func aDifferenceIsFlaggedAndAnEndedEntitlementAgreesWithNoAccess() {
        func story(_ held: String?, _ entitled: String?) -> UserStory {
            UserStory(script: "s1", scriptTitle: nil, username: "Ann", email: nil, holds: "none", lines: [], openReview: [], openRetry: [],
                      fixLink: "none", tradingView: held.map { UserStory.Seen(expiry: $0, at: Self.now, source: "list") },
                      entitled: entitled.map { UserStory.Entitled(expiry: $0, endedOn: nil, purchases: 1, unread: []) })
        }
        #expect(!story("2027-01-05", "2027-01-05").expiriesDiffer)
        #expect(!story("2027-01-06", "2027-01-05").expiriesDiffer, "within the tolerance a longer grant is not flagged")
        #expect(story("2027-01-04", "2027-01-05").expiriesDiffer, "a day short is")
        #expect(story("2027-02-05", "2027-01-05").expiriesDiffer, "a month more is")
        #expect(story("none", "2027-01-05").expiriesDiffer && story("lifetime", "2027-01-05").expiriesDiffer)
        #expect(!story("none", "none").expiriesDiffer && !story("lifetime", "lifetime").expiriesDiffer)
        #expect(story("unknown", "2027-01-05").expiriesDiffer)
        #expect(!story(nil, "2027-01-05").expiriesDiffer && !story("none", nil).expiriesDiffer, "nothing to compare: no flag")
        let text = story("none", "2027-01-05").expiriesText
        #expect(text.contains { $0.hasPrefix("TradingView holds: none (list") } && text.contains("purchases entitle: 2027-01-05 (1 purchase)"))
        #expect(text.last?.hasPrefix("DIFFERS") == true)
    }

    @Test func unreadPurchasesAreNamedAndNoneReadLeavesTheExpiryUnknown() async {
        var story = UserStory(script: "s1", scriptTitle: nil, username: "Ann", email: nil, holds: "none", lines: [], openReview: [],
                              openRetry: [], fixLink: "none")
        story.lines = ["12", "manual-3", "12", "13"].map {
            UserStory.Line(at: Self.now, kind: .write, action: "grant", actor: "daemon", result: "ok", expiry: nil, transactionId: $0, detail: nil)
        }
        let asked = Asked()
        let e = await UserStory.readEntitlement(of: story, products: Self.products, now: Self.now) { id in
            await asked.add(id)
            return id == "12" ? .found(Self.tx("12", "p1", at: Self.day(-1))) : .notFound
        }
        #expect(await asked.ids == ["12", "13"], "each purchase read once; manual ids are no purchases")
        #expect(e.purchases == 1 && e.unread == ["13: MemberPress has no such transaction"] && e.expiry != nil)
        let none = await UserStory.readEntitlement(of: story, products: Self.products, now: Self.now) { _ in
            throw RemoteError.notConfigured("wordpress.style")
        }
        #expect(none.expiry == nil && none.unread.count == 2)
    }

    @Test func everyEntryPointNamesItselfAndCopiesShareTheStopSwitch() throws {
        #expect(ActorName.console("bob") == "console (bob)" && ActorName.cli("bob") == "cli (bob)" && ActorName.batch("bob") == "batch (bob)")
        #expect(Set([ActorName.console("bob"), ActorName.cli("bob"), ActorName.batch("bob"), ActorName.daemon, ActorName.webhook,
                     ActorName.customerViaLink]).count == 6)
        let engine = SyncEngine(settings: SyncSettings(products: [:]), store: ScriptStoreOpener(directory: FileManager.default.temporaryDirectory),
                                client: FakeTradingView(), source: FakeSource(txs: []), mailer: nil, events: EventHub(), actor: ActorName.daemon)
        let webhook = engine.acting(as: ActorName.webhook)
        #expect(webhook.actor == ActorName.webhook && engine.actor == ActorName.daemon)
        webhook.requestStop()
        #expect(engine.stopRequested, "a shutdown stops the webhook's runs and the daemon's alike")
    }
}

private actor Asked {
    var ids: [String] = []
    func add(_ id: String) { ids.append(id) }
}
