import Foundation
import Testing
@testable import AccessCore

@Suite struct SyncReconcilerTests {
    typealias F = Fixture
    let now = Fixture.date(2025, 1, 31)

    @Test func diffFindsMissingUnknownAndMismatched() {
        let local = F.state([F.user("Ann", F.date(2025, 3, 1)),      // matches
                             F.user("Bob", F.date(2025, 3, 1)),      // missing on TradingView
                             F.user("Cid", F.date(2024, 12, 1)),     // expired, absent: fine
                             F.user("Dee", nil),                     // lifetime here, dated there
                             F.user("Eve", F.date(2025, 5, 1))])     // dated differently
        let remote = [RemoteAccess(username: "ann", expiry: F.date(2025, 3, 1).addingTimeInterval(0.3)),
                      RemoteAccess(username: "Dee", expiry: F.date(2025, 2, 1)),
                      RemoteAccess(username: "Eve", expiry: F.date(2025, 9, 1)),
                      RemoteAccess(username: "Zoe", expiry: nil)]
        let d = Reconciler.diff(local, remote: remote, now: now)
        #expect(d.matching == 1)
        #expect(d.missingRemote.map(\.username) == ["Bob"])
        #expect(d.unknownLocal.map(\.username) == ["Zoe"])
        #expect(d.expiryMismatch.map(\.username) == ["Dee", "Eve"])
        #expect(d.expiryMismatch[0].remoteIsLater == false, "our lifetime beats their date")
        #expect(d.expiryMismatch[1].remoteIsLater == true)
        #expect(!d.isEmpty)
    }

    @Test func identicalSidesMakeAnEmptyDiff() {
        let local = F.state([F.user("Ann", nil), F.user("Bob", F.date(2025, 3, 1))])
        let d = Reconciler.diff(local, remote: [RemoteAccess(username: "Ann", expiry: nil),
                                                RemoteAccess(username: "Bob", expiry: F.date(2025, 3, 1))], now: now)
        #expect(d.isEmpty)
        #expect(d.matching == 2)
    }

    @Test func remoteLifetimeIsLaterThanAnyDate() {
        #expect(ExpiryMismatch(username: "a", local: F.date(2030, 1, 1), remote: nil).remoteIsLater)
        #expect(!ExpiryMismatch(username: "a", local: F.date(2030, 1, 1), remote: F.date(2029, 1, 1)).remoteIsLater)
    }
}

@Suite struct SyncSettlementTests {
    typealias F = Fixture
    func intent(_ op: RemoteOperation, target: Date?, known: Bool) -> WriteIntent {
        WriteIntent(id: "i", operation: op, username: "Ann", targetExpiry: target, previousExpiry: F.date(2025, 2, 1),
                    wasKnown: known, transactionId: "1", createdAt: F.date(2025, 1, 31))
    }

    @Test func decidesFromTradingViewsList() {
        let target = F.date(2025, 3, 1)
        let landed = ["ann": RemoteAccess(username: "Ann", expiry: target)]
        let old = ["ann": RemoteAccess(username: "Ann", expiry: F.date(2025, 2, 1))]
        #expect(IntentSettlement.decide(intent(.extend, target: target, known: true), remote: landed) == .applied(.until(target)))
        #expect(IntentSettlement.decide(intent(.extend, target: target, known: true), remote: old) == .notApplied,
                "not landed: planned again, never extended twice")
        #expect(IntentSettlement.decide(intent(.grant, target: target, known: false), remote: [:]) == .notApplied)
        #expect(IntentSettlement.decide(intent(.grant, target: target, known: false), remote: old) == .applied(.until(F.date(2025, 2, 1))))
        #expect(IntentSettlement.decide(intent(.grant, target: nil, known: true), remote: ["ann": RemoteAccess(username: "Ann", expiry: nil)]) == .applied(.lifetime))
        #expect(IntentSettlement.decide(intent(.revoke, target: nil, known: true), remote: [:]) == .applied(.none))
        #expect(IntentSettlement.decide(intent(.revoke, target: nil, known: true), remote: landed) == .notApplied)
    }
}
