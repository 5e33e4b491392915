@testable import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

@Suite struct RuntimeSummariesTests {
    static let day = Date(timeIntervalSince1970: 1_797_984_000)   // 2026-12-23

    static func report(_ user: String, _ op: RemoteOperation = .grant, _ result: ActionReport.Result = .applied,
                       after: AccessState = .until(day), detail: String = "") -> ActionReport {
        ActionReport(scriptId: "PUB;a", username: user, operation: op, result: result, after: after, detail: detail)
    }

    @Test func grantNamesTermUserScriptAndExpiry() {
        let text = RuntimeSummaries.action(.grant, term: .months(1), reports: [Self.report("TraderJoe")], script: "Alpha Trend Suite")
        #expect(text == "granted 1M to TraderJoe on Alpha Trend Suite (expires 2026-12-23)")
    }

    @Test func grantOfActiveUserStillReadsAsGrantAndLifetimeIsNamed() {
        let text = RuntimeSummaries.action(.grant, term: .lifetime, reports: [Self.report("Kim", .extend, after: .lifetime)], script: "Alpha")
        #expect(text == "granted lifetime to Kim on Alpha (lifetime)")
    }

    @Test func extendRevokeAndDryRun() {
        #expect(RuntimeSummaries.action(.extend, term: .days(7), reports: [Self.report("ann", .extend)], script: "Alpha")
            == "extended ann by 7D on Alpha (expires 2026-12-23)")
        #expect(RuntimeSummaries.action(.revoke, term: nil, reports: [Self.report("ann", .revoke, after: .none)], script: "Alpha")
            == "revoked ann on Alpha")
        #expect(RuntimeSummaries.action(.grant, term: .months(3), reports: [Self.report("ann", .grant, .dryRun)], script: "Alpha")
            == "dry run: would grant 3M to ann on Alpha (expires 2026-12-23): nothing sent")
    }

    @Test func unchangedAndQueuedSayWhatHappened() {
        #expect(RuntimeSummaries.action(.grant, term: .months(1), reports: [Self.report("ann", .grant, .unchanged, after: .lifetime)], script: "Alpha")
            == "ann already has access to Alpha until lifetime: nothing sent")
        let queued = RuntimeSummaries.action(.revoke, term: nil, reports: [Self.report("ann", .revoke, .queued, after: .none, detail: "503")], script: "Alpha")
        #expect(queued == "revoke of ann on Alpha queued for retry: 503")
    }

    @Test func bulkCountsUsersAndNotes() {
        let reports = [Self.report("a", .extend), Self.report("b", .extend, .unchanged), Self.report("c", .extend, .queued)]
        #expect(RuntimeSummaries.action(.extend, term: .months(1), reports: reports, script: "Alpha")
            == "extended 3 users by 1M on Alpha (1 unchanged, 1 queued for retry)")
        let dry = [Self.report("a", .revoke, .dryRun, after: .none), Self.report("b", .revoke, .dryRun, after: .none)]
        #expect(RuntimeSummaries.action(.revoke, term: nil, reports: dry, script: "Alpha") == "dry run: would revoke 2 users on Alpha: nothing sent")
    }

    @Test func diffBecomesRowsInOrderWithBothExpiries() {
        let local = Self.day, remote = Self.day.addingTimeInterval(86_400)
        let core = AccessCore.ResyncDiff(
            scriptId: "PUB;a",
            missingRemote: [UserAccess(username: "Miss", expiry: local)],
            unknownLocal: [RemoteAccess(username: "Stranger", expiry: nil)],
            expiryMismatch: [ExpiryMismatch(username: "Drift", local: local, remote: remote)],
            matching: 5)
        let diff = RuntimeSummaries.diff(core)
        #expect(diff.script == "PUB;a")
        #expect(diff.rows == [
            ResyncDiff.Row(kind: .missingRemote, username: "Miss", localExpiry: local, remoteExpiry: nil),
            ResyncDiff.Row(kind: .unknownLocal, username: "Stranger", localExpiry: nil, remoteExpiry: nil),
            ResyncDiff.Row(kind: .expiryMismatch, username: "Drift", localExpiry: local, remoteExpiry: remote),
        ])
        #expect(RuntimeSummaries.resyncApplied(core, script: "Alpha", dryRun: false)
            == "resync of Alpha applied: 1 granted on TradingView, 2 adopted, 0 expiries set")
        let empty = AccessCore.ResyncDiff(scriptId: "PUB;a", missingRemote: [], unknownLocal: [], expiryMismatch: [], matching: 3)
        #expect(RuntimeSummaries.diff(empty).isEmpty)
    }

    @Test func missingCookiesShowAsStaleWithTheReason() {
        let info = RuntimeSummaries.session(SessionStatus(state: .missing, lastResult: "no cookies saved"))
        #expect(info.status == .stale && info.lastResult == "no cookies saved")
        #expect(RuntimeSummaries.session(SessionStatus(state: .valid, account: "vendor")).account == "vendor")
    }

    @Test func syncSummaryListsCounts() {
        var s = SyncSummary(dryRun: true)
        s.processed = 4; s.granted = 2; s.review = 1; s.stale = true
        #expect(RuntimeSummaries.sync(s)
            == "dry-run sync done: 4 processed, 2 granted, 0 extended, 0 revoked, 1 to review, 0 to retry; session stale: set fresh cookies")
    }
}
