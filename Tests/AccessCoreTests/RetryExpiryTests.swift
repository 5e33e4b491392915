import Foundation
import Testing
@testable import AccessCore

/// Issue 11.11: a write retried later keeps the expiry of its first plan; a duplicate transaction id
/// with another user is reported, not dropped silently.
@Suite struct RetryExpiryTests {
    typealias F = Fixture

    @Test func aRetriedGrantKeepsTheExpiryOfItsFirstPlan() async throws {
        let rig = EngineRig()
        rig.tv.existing = ["Cy"]
        rig.tv.fail(.transient("HTTP 502", retryAfter: nil))
        let txs = [F.tx("1", "Cy")]
        _ = try await rig.engine(txs).run(dryRun: false)
        #expect(rig.state.retryQueue["1"]?.plannedAt == rig.now)
        let later = rig.now.addingTimeInterval(12 * 60)
        let s = try await rig.engine(txs, at: later).run(dryRun: false)
        #expect(s.granted == 1)
        #expect(rig.tv.expiry(F.script, "Cy")?.expiry == F.date(2025, 2, 28), "one month from the first plan, not 12 minutes later")
        #expect(rig.state.user("cy")?.expiry == F.date(2025, 2, 28))
    }

    @Test func aDuplicateIdWithAnotherUserIsReported() async throws {
        let rig = EngineRig()
        rig.tv.existing = ["Ann", "Bob"]
        let s = try await rig.engine([F.tx("1", "Ann"), F.tx("1", "Bob"), F.tx("2", "Bob"), F.tx("2", "Bob")]).run(dryRun: false)
        #expect(s.granted == 2 && s.skipped == 1)
        let dup = rig.log.events.filter { $0.name == "transaction.duplicate" }
        #expect(dup.count == 1 && dup.first?.fields["transaction"] == "1", "an identical repeat is not a conflict")
    }
}
