import AccessSandbox
import Foundation
import Logging
import Testing
@testable import AccessCore

/// Issue 19: one log stream. Hummingbird's own log lines arrive as events, in the same JSON lines, redacted.
@Suite struct LogStreamTests {
    @Test func aHummingbirdLogLineArrivesAsAnEventWithASecretRedacted() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let hub = EventHub()
        let redactor = SecretRedactor()
        // Hummingbird's start line names the address; the address stands in for a secret it could log.
        redactor.register("127.0.0.1")
        let log = try EventLogFile(path: dir.path("sync.log"), redact: { redactor.redact($0) })
        hub.addSink { log.write($0) }
        let events = hub.subscribe()
        var options = SandboxOptions()
        options.logger = EventStreamLogHandler.logger(label: "sandbox.http", hub: hub, level: .info, redact: { redactor.redact($0) })
        let sandbox = try await Sandbox.start(options)
        var started: AccessEvent?
        for await event in events where event.kind == .libraryLog && event.message.contains("Server started") {
            started = event
            break
        }
        await sandbox.shutdown()
        let event = try #require(started)
        #expect(event.kind.name == "library.log")
        #expect(event.fields["logger"] == "sandbox.http")
        #expect(event.message.contains("[redacted]") && !event.message.contains("127.0.0.1"), "\(event.message)")
        let lines = try String(contentsOfFile: dir.path("sync.log"), encoding: .utf8).split(separator: "\n")
        let line = try #require(lines.first { $0.contains("Server started") })
        #expect(EventCoding.parse(line)?.kind == .libraryLog)
        #expect(!line.contains("127.0.0.1"))
    }

    @Test func metadataBecomesRedactedFieldsAndLevelsMap() {
        let hub = EventHub()
        let redactor = SecretRedactor()
        redactor.register("hunter22")
        let got = EventCollector()
        hub.addSink { got.add($0) }
        var logger = EventStreamLogHandler.logger(label: "nio", hub: hub, redact: { redactor.redact($0) })
        logger[metadataKey: "script"] = "PUB;x"
        logger.info("below the level: dropped")
        logger.error("auth failed for hunter22", metadata: ["header": "Bearer hunter22", "code": "401"])
        let events = got.all
        #expect(events.count == 1)
        #expect(events.first?.level == .error && events.first?.script == "PUB;x")
        #expect(events.first?.message == "auth failed for [redacted]")
        #expect(events.first?.fields == ["logger": "nio", "header": "Bearer [redacted]", "code": "401"])
    }
}

/// Events a sink saw, from any thread.
final class EventCollector: Sendable {
    private let events = Locked<[AccessEvent]>([])
    func add(_ e: AccessEvent) { events.withLock { $0.append(e) } }
    var all: [AccessEvent] { events.withLock { $0 } }
}
