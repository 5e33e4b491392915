import Foundation
import Testing
@testable import AccessCore

@Suite struct EventTests {
    func tempDir() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ev-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func jsonLinesRoundTrip() throws {
        let e = AccessEvent(level: .warning, kind: EventKind(name: "grant.ok"), script: "PUB;x", user: "Bob", message: "granted", fields: ["term": "1M"])
        let line = EventCoding.line(e)
        #expect(!line.contains("\n"))
        let back = try #require(EventCoding.parse(Substring(line)))
        #expect(back.name == "grant.ok" && back.user == "Bob" && back.fields["term"] == "1M" && back.level == .warning)
        #expect(abs(back.time.timeIntervalSince(e.time)) < 0.002)
    }

    @Test func handWrittenLinesAreWhatJSONEncoderWrites() throws {
        let time = Date(timeIntervalSince1970: 1_767_225_600.5)
        let events = [
            AccessEvent(time: time, level: .warning, kind: EventKind(name: "grant.ok"), script: "PUB;x/y", user: "Bob", message: "granted \"now\"\n",
                        fields: ["term": "1M", "a": "tab\there", "é": "ü"], pid: 42),
            AccessEvent(time: time, kind: EventKind(name: "sync.start"), message: "", fields: [:], pid: 1),
        ]
        for e in events {
            let expected = String(decoding: try EventCoding.encoder().encode(e), as: UTF8.self)
            #expect(EventCoding.line(e) == expected)
            #expect(EventCoding.parse(Substring(EventCoding.line(e))) == e)
        }
        #expect(EventCoding.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    @Test func redactorFindsSecretsAnywhereAndOnlyThere() {
        let r = SecretRedactor()
        r.register("s3cr3t-é-value")
        r.register("abc")  // too short to register: would scrub ordinary words
        #expect(r.redact("a s3cr3t-é-value b s3cr3t-é-value") == "a [redacted] b [redacted]")
        #expect(r.redact("s3cr3t-é-valu") == "s3cr3t-é-valu")
        #expect(r.redact("") == "")
        #expect(r.redact("abc") == "abc")
        #expect(SecretRedactor.contains("xx-needle", "needle") && !SecretRedactor.contains("nee", "needle"))
    }

    @Test func logFileRedactsRegisteredSecrets() throws {
        let dir = tempDir()
        let redactor = SecretRedactor()
        redactor.register("super-secret-cookie")
        let log = try EventLogFile(path: dir.appendingPathComponent("logs/sync.log").path, redact: redactor.redact)
        log.write(AccessEvent(kind: EventKind(name: "oops"), message: "leaked super-secret-cookie here"))
        let text = try String(contentsOf: dir.appendingPathComponent("logs/sync.log"), encoding: .utf8)
        #expect(!text.contains("super-secret-cookie"))
        #expect(text.contains("[redacted]"))
    }

    @Test func tailerFollowsLinesAppendedByAnotherProcess() async throws {
        let dir = tempDir()
        let path = dir.appendingPathComponent("sync.log").path
        let log = try EventLogFile(path: path)
        log.write(AccessEvent(kind: EventKind(name: "old"), message: "before", pid: 1))
        let tailer = LogTailer(path: path, interval: .milliseconds(20), skipPid: 4242)
        #expect(tailer.recent(10).map(\.name) == ["old"])
        // Appended right after `follow` returns, before its task has looked once: "now" was taken
        // when it returned, so nothing appended after that is lost.
        let stream = tailer.follow()
        // Another process appends: one of ours to skip, one foreign, one torn line completed later.
        let mine = EventCoding.line(AccessEvent(kind: EventKind(name: "mine"), message: "m", pid: 4242))
        let theirs = EventCoding.line(AccessEvent(kind: EventKind(name: "daemon.sync"), message: "d", pid: 99))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "printf '%s\\n%s\\n' \"$1\" \"$2\" >> \"$3\"", "sh", mine, theirs, path]
        await SpawnGuard.fewDescriptors()
        try p.run(); p.waitUntilExit()
        var got: [String] = []
        for await e in stream { got.append(e.name); break }
        #expect(got == ["daemon.sync"])
    }

    @Test func hubFansOutToSubscribersAndSinks() async {
        let hub = EventHub()
        let box = Box()
        hub.addSink { box.add($0.name) }
        let stream = hub.subscribe()
        hub.emit(.info, EventKind(name: "a"), "first")
        hub.emit(.error, EventKind(name: "b"), "second")
        var seen: [String] = []
        for await e in stream { seen.append(e.name); if seen.count == 2 { break } }
        #expect(seen == ["a", "b"])
        #expect(box.all == ["a", "b"])
    }

    final class Box: @unchecked Sendable {
        let lock = NSLock(); var items: [String] = []
        func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
    }
}
