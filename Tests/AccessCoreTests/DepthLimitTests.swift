import Foundation
import Testing
@testable import AccessCore

/// Issue 11.2: deeply nested JSON from outside or on disk fails with an error instead of overflowing the stack.
@Suite struct DepthLimitTests {
    /// 20,000 levels: far past the ~6,400 that crashed the recursive parser.
    static let deep = String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
    static let deepObject = String(repeating: "{\"a\":", count: 20_000) + "1" + String(repeating: "}", count: 20_000)

    @Test func wordPressBodiesFailWithAnError() {
        for text in [Self.deep, Self.deepObject, "[" + Self.deepObject + "]"] {
            #expect(throws: (any Error).self) { try JSONValue.parse(Data(text.utf8)) }
        }
        let shallow = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONValue.parse(Data(shallow.utf8))) != nil, "ordinary nesting still parses")
    }

    @Test func theLimitIsNamedInTheError() throws {
        do {
            _ = try JSONValue.parse(Data(Self.deep.utf8))
            Issue.record("expected a depth error")
        } catch let e as JSONReadError {
            #expect(e.message.contains("nested deeper than \(JSONReader.maxDepth)"))
        }
    }

    @Test func aDeepJournalLineStopsTheLoadWithTheFileAndLine() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: "PUB;deep")
        try store.commit([.setTitle("one")])
        let journal = store.journalPath
        store.close()
        var text = try String(contentsOfFile: journal, encoding: .utf8)
        text += "{\"changes\":[{\"setTitle\":{\"_0\":" + Self.deep + "}}],\"seq\":2}\n"
        text += "{\"changes\":[{\"setTitle\":{\"_0\":\"three\"}}],\"seq\":3}\n"
        try text.write(toFile: journal, atomically: false, encoding: .utf8)
        do {
            _ = try ScriptStore.open(directory: dir.url, scriptId: "PUB;deep")
            Issue.record("expected the damaged journal to stop the load")
        } catch let StoreError.corrupt(path, detail) {
            #expect(path == journal && detail.contains("line 2"))
        }
    }

    @Test func aDeepSnapshotFailsWithAnError() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: "PUB;deep")
        let path = store.snapshotPath
        store.close()
        try ("{\"scriptId\":\"PUB;deep\",\"x\":" + Self.deep + "}").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: StoreError.self) { try ScriptStore.open(directory: dir.url, scriptId: "PUB;deep") }
        #expect(throws: StoreError.self) { try ScriptStore.peek(directory: dir.url, scriptId: "PUB;deep") }
    }

    @Test func foundationParsersOfConfigEventsAndTradingViewAnswersFailToo() throws {
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(Data(("{\"x\":" + Self.deep + "}").utf8), file: "c.json") }
        #expect(EventCoding.parse(Substring("{\"event\":" + Self.deepObject + "}")) == nil)
        #expect(throws: (any Error).self) { try DirectResponses.listPage(Data(("{\"results\":" + Self.deep + "}").utf8)) }
    }
}
