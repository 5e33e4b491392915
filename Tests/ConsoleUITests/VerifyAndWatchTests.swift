import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

/// Issue 18 in the console: the last run's verified and repaired counts, and the session watch's last
/// and next check in the Session pane. Issue 21: the detail shows both expiries and flags a difference.
@Suite struct VerifyAndWatchTests {
    @Test func theHeaderCountsWhatTheLastRunReadBack() {
        var s = Fixture.state(size: Size(width: 180, height: 40))
        var sum = SyncSummary(dryRun: false)
        sum.granted = 3; sum.verified = 3; sum.repaired = 1
        var done = AccessEvent.runDone(run: "r1", kind: .sync, sum)
        done.time = Fixture.now.addingTimeInterval(-240)
        _ = ConsoleReducer.reduce(&s, .core([done]))
        #expect(s.lastSync?.result == "ok +3" && s.lastSync?.verification == "3 verified, 1 repaired")
        #expect(RuntimeSummaries.sync(sum).hasSuffix("0 to retry, 3 verified, 1 repaired"), "the status line after S counts them too")
        #expect(s.screen.lines[0].contains("last 4m ago ok +3 · next: none · 3 verified, 1 repaired"), "\(s.screen.lines[0])")
        // On a narrow header the counts give way to the next sync.
        var narrow = Fixture.state(size: Size(width: 120, height: 40))
        _ = ConsoleReducer.reduce(&narrow, .core([done]))
        #expect(narrow.screen.lines[0].contains("· next: none") && !narrow.screen.lines[0].contains("verified"), "\(narrow.screen.lines[0])")
        var quiet = SyncSummary(dryRun: false)
        quiet.granted = 1
        _ = ConsoleReducer.reduce(&s, .core([AccessEvent.runDone(run: "r2", kind: .sync, quiet)]))
        #expect(s.lastSync?.result == "ok +1" && s.lastSync?.verification == nil, "nothing read back: no count shown")
    }

    static func daemon(watch: Bool) throws -> DaemonStatusFile {
        let json = """
        {"pid": 4321, "listen": "127.0.0.1:8787", "startedAt": "2025-06-15T14:00:00Z", "updatedAt": "2025-06-15T15:00:00Z",
         "lastRun": {"id": 3, "kind": "sync", "trigger": "schedule", "dry_run": false, "started_at": "2025-06-15T15:00:00Z",
                     "finished_at": "2025-06-15T15:01:40Z", "outcome": "done",
                     "summary": {"processed": 2, "granted": 2, "extended": 0, "revoked": 0, "review": 0, "retry": 0, "failed": 0,
                                 "skipped": 0, "incomplete": 0, "adopted": 0, "verified": 2, "repaired": 1, "dryRun": false,
                                 "stale": false, "callsByEndpoint": {}, "durationSeconds": 1}},
         "nextRunAt": "2025-06-15T15:20:00Z", "webhookPending": 0, "webhookCounts": {}
        """ + (watch ? #", "watchLastCheck": "2025-06-15T15:01:40Z", "watchNextCheck": "2025-06-15T15:31:40Z"}"# : "}")
        let decoder = JSONDecoder(); decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(DaemonStatusFile.self, from: Data(json.utf8))
    }

    @Test func theSessionPaneShowsTheWatchsLastAndNextCheckAndTheDaemonsCounts() throws {
        var s = Fixture.state(size: Size(width: 160, height: 48))
        _ = ConsoleReducer.reduce(&s, .result(.pollLock, .others(OtherProcesses(daemon: try Self.daemon(watch: true)))))
        let text = s.screen.lines.joined(separator: "\n")
        #expect(text.contains("Watch: checked 5m ago, next 25m"), "\(text)")
        #expect(text.contains("Last run 5m ago: done +2, 2 verified"), "\(text)")
        // A daemon from before the watch wrote its checks (or with the watch off): no line, no error.
        _ = ConsoleReducer.reduce(&s, .result(.pollLock, .others(OtherProcesses(daemon: try Self.daemon(watch: false)))))
        #expect(!s.screen.contains("Watch:"))
    }

    @Test func theDetailShowsBothExpiriesAndFlagsADifference() throws {
        var s = Fixture.state(size: Size(width: 140, height: 40))
        let effects = Fixture.press(&s, [.enter])
        var story = try #require(UserDetailTests.story())
        // The history shows at once; MemberPress is asked after, so a slow WordPress never holds it back.
        let next = ConsoleReducer.reduce(&s, .result(effects[0], .story(story)))
        #expect(next == [.userEntitlement(story)])
        #expect(s.screen.contains("purchases entitle: reading MemberPress…") && s.screen.contains("TradingView holds: 2025-07-15"))
        let entitled = UserStory.Entitled(expiry: "2025-07-01", endedOn: nil, purchases: 2, unread: [])
        #expect(ConsoleReducer.reduce(&s, .result(next[0], .entitlement(entitled))).isEmpty)
        story.entitled = entitled
        let screen = s.screen
        #expect(screen.contains("TradingView holds: 2025-07-15 (write answered ok, seen 2025-06-15T14:06:40Z)"), "\(screen.lines.joined(separator: "\n"))")
        #expect(screen.contains("purchases entitle: 2025-07-01 (2 purchases)"))
        #expect(screen.contains("DIFFERS: TradingView does not hold what the purchases entitle"))
        story.entitled?.expiry = "2025-07-15"
        _ = ConsoleReducer.reduce(&s, .result(effects[0], .story(story)))
        #expect(s.screen.contains("purchases entitle: 2025-07-15") && !s.screen.contains("DIFFERS"))
    }
}
