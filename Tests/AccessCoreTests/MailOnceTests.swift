import Foundation
import Testing
@testable import AccessCore

/// Issue 11.6: one invalid-username email per purchase, ever: across runs, processes and crashes.
@Suite struct MailOnceTests {
    typealias F = Fixture

    func engine(_ rig: EngineRig, scripts: [String], ledger: String) -> SyncEngine {
        var settings = SyncSettings(products: ["p1": F.product(.months(1), stacking: true, scripts: scripts)], maxAttempts: 3)
        settings.sentMailPath = ledger
        return SyncEngine(settings: settings, store: rig.data, client: rig.tv, source: FakeSource(txs: [F.tx("1", "Ghost", email: "g@example.com")]),
                          mailer: rig.mailer, events: rig.hub, clock: { rig.now })
    }

    @Test func aBundleReachingReviewInTwoRunsMailsOnce() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let rig = EngineRig()
        let ledger = dir.path(".invalid-name-mail")
        _ = try await engine(rig, scripts: [F.script], ledger: ledger).run(dryRun: false)
        #expect(rig.mailer.sent.count == 1)
        // A later run (a new process: a new engine) reaches the bundle's other script for the same purchase.
        let second = try await engine(rig, scripts: [F.script, F.other], ledger: ledger).run(dryRun: false)
        #expect(second.review == 1 && rig.data.script(F.other).state.reviewQueue["1"] != nil)
        #expect(rig.mailer.sent.count == 1, "the purchase's email went out in the first run")
        #expect(rig.log.names().contains("email.skipped"))
    }

    @Test func theRecordIsDurableBeforeTheSendAndTakenBackWhenItFails() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let file = SentMailFile(path: dir.path("m"))
        try file.record("tx-1")
        try file.record("tx-2")
        try file.record("tx-2", sent: false)
        let reread = SentMailFile(path: dir.path("m"))
        #expect(reread.contains("tx-1") && !reread.contains("tx-2"))
        let mode = try FileManager.default.attributesOfItem(atPath: dir.path("m"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
