import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

/// RuntimeServices over a real AppRuntime on a throwaway folder. Nothing here calls a remote service
/// (the endpoints point at a closed port); the sandbox-backed paths are covered by Tests/e2e.
@Suite struct RuntimeServicesTests {
    static func runtime() throws -> (AppRuntime, URL) {
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "runtime-services-test")
        let path = try DemoWorkspace.prepare(templateConfig: nil, directory: dir,
                                             endpoints: .unreachable,
                                             cookies: nil, environment: [:])
        return (try AppRuntime.open(configPath: path, environment: [:]), dir)
    }

    @Test func overviewHasEveryScriptWithTitlesAndTheDryRunSwitch() async throws {
        let (runtime, dir) = try Self.runtime()
        defer { try? FileManager.default.removeItem(at: dir) }
        let services = RuntimeServices(runtime: runtime)
        let snap = try await services.loadOverview()
        #expect(snap.scripts.map(\.scriptId) == runtime.config.scriptIds)
        #expect(snap.scripts.first?.title == "Alpha Trend Suite")
        #expect(snap.session.status == .stale, "no cookies saved: writes cannot work, and lastResult says why")
        #expect(snap.others.lockHolder == nil && snap.modes.dryRun == false)
        let on = try await services.setDryRun(true)
        #expect(on.dryRun && on.version > snap.modes.version, "every change is a newer report")
        #expect(try await services.loadOverview().modes == on)
        #expect(try await services.setDryRun(true) == on, "asking for the mode in force changes nothing")
        await #expect(throws: ActionError.reviewNotFound(script: snap.scripts[0].scriptId, id: "x"), "a dry run checks the item, sends nothing") {
            try await services.perform(.resendReviewEmail(script: snap.scripts[0].scriptId, id: "x"))
        }
    }

    @Test func eventsMergeRecentLinesLiveEventsAndOtherProcesses() async throws {
        let (runtime, dir) = try Self.runtime()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = runtime.logFile.path
        func append(_ e: AccessEvent) throws {
            let h = try #require(FileHandle(forWritingAtPath: log))
            try h.seekToEnd(); try h.write(contentsOf: Data((EventCoding.line(e) + "\n").utf8)); try h.close()
        }
        try append(AccessEvent(kind: .unknown("earlier"), message: "from before the console", pid: 1))
        let stream = RuntimeServices(runtime: runtime).events()
        runtime.events.emit(.info, .unknown("live"), "this process")
        try append(AccessEvent(kind: .unknown("daemon"), message: "another process", pid: 1))

        let collect = Task {
            var seen: [String] = []
            for await e in stream {
                seen.append(e.name)
                if seen.contains("daemon") && seen.contains("live") { break }
            }
            return seen
        }
        let timeout = Task { try await Task.sleep(for: .seconds(5)); collect.cancel() }
        let seen = await collect.value
        timeout.cancel()
        #expect(seen.first == "earlier")
        #expect(seen.contains("live") && seen.contains("daemon"))
        #expect(seen.filter { $0 == "live" }.count == 1, "this process's events come once, not again from the file")
    }
}
