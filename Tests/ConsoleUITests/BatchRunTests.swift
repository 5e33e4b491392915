import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

/// A batch-grant running in another process shows in the header like a sync, and ends like one.
@Suite struct BatchRunTests {
    @Test func aBatchFromAnotherProcessShowsLikeASync() {
        var s = ConsoleTruthTests.state()
        let other: Int32 = 4242
        var p = RunProgress(run: "b1", kind: .batch, dryRun: false, done: 0, total: 500)
        func tailed(_ e: AccessEvent) -> AccessEvent { var e = e; e.pid = other; return e }
        _ = ConsoleReducer.reduce(&s, .core([tailed(.runStart(p))]))
        p.done = 120; p.granted = 80; p.extended = 40
        _ = ConsoleReducer.reduce(&s, .core([tailed(.runProgress(p))]))
        #expect(s.runs.shown?.progress.kind == .batch && s.runs.shown?.progress.done == 120)
        let retry = RunProgress(run: "r1", kind: .retry, dryRun: false, done: 0, total: 900)
        _ = ConsoleReducer.reduce(&s, .core([tailed(.runStart(retry))]))
        #expect(s.runs.shown?.progress.run == "b1", "a batch is shown before a retry pass")
        #expect(s.screen.lines.joined(separator: "\n").contains("batch"), "header: \(s.screen.lines[0])")
        var summary = SyncSummary(); summary.granted = 80
        _ = ConsoleReducer.reduce(&s, .core([tailed(.runDone(run: "b1", kind: .batch, summary))]))
        #expect(s.runs.active["b1"] == nil)
    }
}
