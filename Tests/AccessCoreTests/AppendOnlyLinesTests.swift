import Foundation
import Testing
@testable import AccessCore

/// Issue 19.9: every append-only file cuts a torn tail before the next append, so the next record is
/// never glued onto it (and lost on reload).
@Suite struct AppendOnlyLinesTests {
    /// Appends raw bytes without a newline, as a crash mid-write leaves them.
    func tear(_ path: String, _ text: String) throws {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    func strings(_ contents: AppendOnlyLines.Contents) -> [String] { contents.lines.map { String(decoding: $0, as: UTF8.self) } }

    @Test func aTornTailIsCutBeforeTheNextAppend() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let file = AppendOnlyLines(path: dir.path("lines"))
        #expect(strings(try file.read()).isEmpty)
        #expect(try file.append(Array(#"{"a":1}"#.utf8)) == 0)
        try tear(file.path, #"{"b":"torn"#)
        let torn = try file.read()
        #expect(strings(torn) == [#"{"a":1}"#])
        #expect(torn.tornTailBytes == #"{"b":"torn"#.utf8.count, "the torn tail is reported, not handed out")
        #expect(try file.append(Array(#"{"c":3}"#.utf8)) == #"{"b":"torn"#.utf8.count, "the cut is reported")
        let reloaded = try file.read()
        #expect(strings(reloaded) == [#"{"a":1}"#, #"{"c":3}"#])
        #expect(reloaded.tornTailBytes == 0)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "{\"a\":1}\n{\"c\":3}\n")
    }

    @Test func aFileThatIsOnlyATornLineIsCutToEmpty() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let file = AppendOnlyLines(path: dir.path("lines"))
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(String(repeating: "x", count: 10_000).utf8))
        #expect(try file.append(Array("y".utf8)) == 10_000)
        #expect(strings(try file.read()) == ["y"])
    }

    @Test func createdFilesArePrivateAndTruncateEmpties() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let file = AppendOnlyLines(path: dir.path("lines"))
        try file.create()
        #expect(FileManager.default.fileExists(atPath: file.path))
        try file.append(Array("1".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try file.truncate()
        #expect(strings(try file.read()).isEmpty)
        // A folder that does not exist is an error a person can act on, naming the path.
        let nowhere = AppendOnlyLines(path: dir.path("missing/lines"))
        #expect { try nowhere.append(Array("1".utf8)) } throws: { "\($0)".contains("missing/lines") }
    }

    @Test func aWebhookAcknowledgedAfterATornLineSurvivesReload() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let paid = WebhookDelivery(event: "transaction-completed", kind: .paid, transactionId: "1")
        do {
            let inbox = try WebhookInbox(directory: dir.url)
            _ = try inbox.record(paid, transactionId: "1")
        }
        try tear(dir.path("webhook-inbox.jsonl"), #"{"seq":9,"event":"transac"#)
        let reopened = try WebhookInbox(directory: dir.url)
        _ = try reopened.record(paid, transactionId: "2")
        #expect(try WebhookInbox(directory: dir.url).pendingEntries().map(\.transactionId) == ["1", "2"])
    }

    @Test func aSentMailRecordedAfterATornLineSurvivesReload() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        try SentMailFile(path: dir.path("m")).record("tx-1")
        try tear(dir.path("m"), #"{"transaction":"tx-"#)
        try SentMailFile(path: dir.path("m")).record("tx-2")
        let reread = SentMailFile(path: dir.path("m"))
        #expect(reread.contains("tx-1") && reread.contains("tx-2"))
    }

    @Test func aUsedFixLinkRecordedAfterATornLineStaysUsed() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let token = FixLinkToken(transactionId: "5", expiresAt: Date().addingTimeInterval(60))
        try tear(dir.path("used"), #"{"nonce":"abc","#)
        try UsedFixLinks(path: dir.path("used")).record(token, at: Date())
        #expect(UsedFixLinks(path: dir.path("used")).contains(token))
    }
}
