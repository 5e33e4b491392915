@testable import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

/// Another process (a CLI command, a daemon) changing master data: the Log shows its events at once,
/// and the panes must follow, not wait for the admin to press Ctrl-L.
@Suite struct OtherProcessChangesTests {
    static let other: Int32 = 4242

    private func event(_ kind: EventKind, pid: Int32 = other) -> AccessEvent {
        AccessEvent(time: Fixture.now, kind: kind, script: "PUB;alpha", user: "Alice", message: "done", pid: pid)
    }

    private func tick(_ s: inout ConsoleState, _ seconds: Double) -> [Effect] {
        ConsoleReducer.reduce(&s, .tick(Fixture.now.addingTimeInterval(seconds)))
    }

    @Test func aWriteByAnotherProcessReloadsAtTheNextTickOnce() {
        var s = ConsoleTruthTests.state()
        #expect(ConsoleReducer.reduce(&s, .core([event(.actionDone(.grant)), event(.actionDone(.revoke))])) == [])
        #expect(tick(&s, 1).contains(.loadOverview), "two writes, one reload")
        #expect(!tick(&s, 2).contains(.loadOverview))
        // Events that change nothing do not reload.
        _ = ConsoleReducer.reduce(&s, .core([event(.actionDone(.validate)), event(.mailSent), event(.sessionValid)]))
        #expect(!tick(&s, 3).contains(.loadOverview))
    }

    @Test func thisConsolesOwnEventsDoNotReloadTwice() {
        var s = ConsoleTruthTests.state()
        _ = ConsoleReducer.reduce(&s, .core([event(.actionDone(.grant), pid: s.ownPid)]))
        #expect(!tick(&s, 1).contains(.loadOverview), "its own writes reload when they answer")
    }

    @Test func writesInsideAnotherProcesssRunShowWhenTheRunEnds() {
        var s = ConsoleTruthTests.state()
        let p = RunProgress(run: "d1", kind: .sync, dryRun: false, done: 0, total: 10)
        func tailed(_ e: AccessEvent) -> AccessEvent { var e = e; e.pid = Self.other; return e }
        _ = ConsoleReducer.reduce(&s, .core([tailed(.runStart(p)), event(.writeApplied(.grant))]))
        #expect(!tick(&s, 1).contains(.loadOverview), "no reload per write of a running sync")
        #expect(ConsoleReducer.reduce(&s, .core([tailed(.runDone(run: "d1", kind: .sync, SyncSummary()))])) == [.loadOverview])
    }

    @Test func aChangeSeenWhileAReloadRunsReloadsAgainAfterIt() {
        var s = ConsoleTruthTests.state()
        _ = ConsoleReducer.reduce(&s, .core([event(.actionDone(.extend))]))
        #expect(tick(&s, 1).contains(.loadOverview))
        _ = ConsoleReducer.reduce(&s, .core([event(.actionDone(.extend))]))
        #expect(!tick(&s, 2).contains(.loadOverview), "one reload at a time")
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(try! #require(s.snapshot))))
        #expect(tick(&s, 3).contains(.loadOverview), "the change seen meanwhile is not lost")
    }
}

/// A sort keeps the selected user selected: `e` after `o` acts on the user the admin chose.
@Suite struct SortKeepsSelectionTests {
    @Test func theSelectedUserStaysSelectedThroughEverySort() {
        var t = UsersTable(users: UsersTableTests.users)
        t.cursor.selected = 1234
        let chosen = t.selected?.username
        for (column, ascending) in [(UserColumn.email, false), (.expiry, true), (.lastAction, true), (.username, false)] {
            t.sort(by: column, ascending: ascending)
            #expect(t.selected?.username == chosen, "\(column) \(ascending)")
        }
    }
}

/// Days left, as the console and `export` both count them: calendar days (UTC) from today.
@Suite struct DaysLeftTests {
    @Test func daysAreCountedOffTheDatesShown() {
        let today2300 = Date(timeIntervalSince1970: 1_750_028_400)   // 2025-06-15 23:00 UTC
        #expect(DaysLeft.until(today2300.addingTimeInterval(600), now: today2300) == 0, "ends later today")
        #expect(DaysLeft.until(today2300.addingTimeInterval(5400), now: today2300) == 1, "00:30 tomorrow")
        #expect(DaysLeft.until(today2300.addingTimeInterval(-86_400), now: today2300) == -1)
        #expect(DaysLeft.until(today2300.addingTimeInterval(30 * 86_400), now: today2300) == 30)
        #expect(Formats.daysLeft(today2300.addingTimeInterval(5400), now: today2300) == 1)
    }

    @Test func narrowCountsStayExact() {
        #expect(Formats.shortCount(100_000) == "100,000")
        #expect(Formats.shortCount(999_999) == "999,999")
        #expect(Formats.shortCount(1_234_567) == "1.2M")
    }
}

/// One script whose files do not read: the others are still shown; that one is marked, and why is
/// logged once (not on every reload).
@Suite struct UnreadableScriptTests {
    @Test func aDamagedScriptHidesNothingElse() async throws {
        let (runtime, dir) = try RuntimeServicesTests.runtime()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ids = runtime.config.scriptIds
        let damaged = ids[1]
        let file = runtime.masterDataDirectory.appendingPathComponent(ScriptFileName.encode(damaged) + ".json")
        try Data("{\"scriptId\": \"\(damaged)\", \"users\": {\"a\": ".utf8).write(to: file)
        let snap = try await RuntimeServices(runtime: runtime).loadOverview()
        #expect(snap.scripts.map(\.scriptId) == ids, "every script is listed")
        #expect(snap.unreadable.keys.sorted() == [damaged])
        #expect(snap.unreadable[damaged]?.contains(file.lastPathComponent) == true, "\(snap.unreadable)")

        var s = ConsoleTruthTests.state()
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(snap)))
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(snap)))
        let buffer = s.log.buffer
        let logged = (buffer.firstSeq..<buffer.endSeq).compactMap { buffer[$0]?.event }
            .filter { $0.kind == .consoleError && $0.message.contains("is not shown") }
        #expect(logged.count == 1, "logged once: \(logged.map(\.message))")
        // The Scripts pane's row of that script says "error" where the user count would be.
        let name = String((runtime.config.title(ofScript: damaged) ?? damaged).prefix(8))
        func scriptsRow() -> String { s.screen.lines.first { $0.hasPrefix("│") && $0.contains(name) }.map { String($0.prefix(36)) } ?? "" }
        #expect(scriptsRow().contains("error"), "\(scriptsRow())")
        // Once it reads again, a later damage is news again.
        var fixed = snap; fixed.unreadable = [:]
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(fixed)))
        #expect(!scriptsRow().contains("error") && !scriptsRow().isEmpty, "\(scriptsRow())")
    }
}
