@testable import AccessCore
import AccessSandbox
import Foundation
import Testing
@testable import ConsoleUI

/// The console reduces what the core really sends: a sync and a retry pass run against the sandbox,
/// their events are recorded, and the recording is replayed through the reducer.
@Suite struct RecordedSyncReplayTests {
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [AccessEvent] = []
        func add(_ e: AccessEvent) { lock.withLock { events.append(e) } }
        var all: [AccessEvent] { lock.withLock { events } }
    }

    @Test func aRealSyncReplaysIntoTheHeaderAndEnds() async throws {
        let sandbox = try await Sandbox.start(SandboxOptions(seed: .demo))
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "replay-test")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try DemoWorkspace.prepare(
            templateConfig: nil, directory: dir,
            endpoints: .init(tradingView: sandbox.baseURL, wordpress: sandbox.baseURL, smtp: sandbox.smtpURL),
            cookies: SessionCookies(sessionid: SandboxOptions.defaultSessionid, sessionidSign: SandboxOptions.defaultSessionidSign),
            environment: [:])
        let runtime = try AppRuntime.open(configPath: path, environment: [:])
        let recorder = Recorder()
        runtime.events.addSink { recorder.add($0) }
        let summary = try await runtime.actions.sync(dryRun: false)
        await sandbox.shutdown()
        let recorded = recorder.all

        #expect(!recorded.contains { if case .unknown = $0.kind { return true }; return false },
                "every event the core sent has a kind this build knows")
        let starts = recorded.filter { $0.kind == .runStart }
        #expect(starts.count == 1)
        let runId = try #require(starts.first?.runProgress?.run)
        #expect(recorded.filter { $0.kind == .runProgress }.allSatisfy { $0.runProgress?.run == runId })

        var s = Fixture.state(size: Size(width: 160, height: 48))
        var sawProgress = false
        for e in recorded {
            _ = ConsoleReducer.reduce(&s, .core([e]))
            if e.kind == .runProgress, let p = e.runProgress {
                let header = s.screen.lines[0]
                #expect(header.contains("\(p.done)/\(p.total)"), "header: \(header)")
                sawProgress = true
            }
        }
        #expect(sawProgress)
        #expect(s.screen.lines[0].contains("sync idle"), "the run ended, so the header says so")
        let end = try #require(s.runs.lastEnd?.0)
        #expect(end.run == runId && end.summary.granted == summary.granted && end.summary.review == summary.review)
        let last = recorded.last { $0.kind == .runProgress }?.runProgress
        #expect(last?.done == last?.total && last?.ratePerMinute != nil, "the rate is reported by the engine")
    }
}
