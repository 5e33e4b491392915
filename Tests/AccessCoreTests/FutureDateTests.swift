import Foundation
import Testing
@testable import AccessCore

/// A source that honours `since` the way the real WordPress client does (records older than it are dropped).
struct SinceSource: TransactionSource {
    let txs: [Transaction]
    func transactions(since: Date?) async throws -> TransactionBatch {
        WordPressClient.filter(TransactionBatch(transactions: txs, rejected: []), statuses: nil, since: since)
    }
}

/// Issue 11.1: a purchase dated in the future must never become the last-processed marker.
@Suite struct FutureDateTests {
    typealias F = Fixture

    func engine(_ rig: EngineRig, _ txs: [Transaction], at now: Date) -> SyncEngine {
        let settings = SyncSettings(products: ["p1": F.product(.months(1), stacking: true)], concurrency: 2, maxAttempts: 3)
        return SyncEngine(settings: settings, store: rig.data, client: rig.tv, source: SinceSource(txs: txs),
                          mailer: rig.mailer, events: rig.hub, clock: { now })
    }

    @Test func aFutureDatedPurchaseIsClampedToTheRunAndLaterPurchasesStillApply() async throws {
        let rig = EngineRig()
        rig.tv.existing = ["Ann", "Ben"]
        let future = F.tx("9", "Ann", at: F.date(2030, 1, 1))
        let first = try await engine(rig, [future], at: rig.now).run(dryRun: false)
        #expect(first.granted == 1)
        #expect(rig.state.lastProcessedAt == rig.now, "the marker stops at the run's time, not 2030")
        let warning = rig.log.events.first { $0.name == "transaction.future" }
        #expect(warning?.level == .warning && warning?.fields["transaction"] == "9")

        let later = rig.now.addingTimeInterval(7200)
        let next = F.tx("10", "Ben", at: rig.now.addingTimeInterval(3600))
        let second = try await engine(rig, [future, next], at: later).run(dryRun: false)
        #expect(second.granted == 1 && rig.state.processedTransactions.contains("10"), "a later purchase is not hidden")
        #expect(rig.tv.writes.sorted() == ["grant Ann", "grant Ben"])
    }

    @Test func aMarkerAlreadyInTheFutureCountsAsNow() {
        var poisoned = ScriptAccess(scriptId: "a"); poisoned.lastProcessedAt = F.date(2030, 1, 1)
        let now = F.date(2025, 1, 31)
        #expect(SyncEngine.since([poisoned], overlap: 3600, now: now) == now.addingTimeInterval(-3600))
    }
}
