import Foundation
import Testing
@testable import AccessCore

/// Issue 20.7: a garbled `{script}.generation` must not silently turn the lost-data guard off: the load
/// stops naming the file and `store repair`, which writes the marker again.
@Suite struct GarbledGenerationTests {
    static let sid = "PUB;garbled"

    @Test func aGarbledMarkerStopsTheLoadAndRepairWritesItAgain() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: Self.sid)
        for i in 1...3 { try store.commit([.markProcessed(transactionId: "tx-\(i)")]) }
        store.close()
        let marker = String(store.journalPath.dropLast(".journal".count)) + ".generation"
        #expect(FileManager.default.fileExists(atPath: marker))
        try Data("{\"scriptId\": \"PUB;garbled\", \"sequ".utf8).write(to: URL(fileURLWithPath: marker))
        for attempt in ["open", "peek"] {
            do {
                if attempt == "open" { _ = try ScriptStore.open(directory: dir.url, scriptId: Self.sid) }
                else { _ = try ScriptStore.peek(directory: dir.url, scriptId: Self.sid) }
                Issue.record("\(attempt) read past a garbled generation marker")
            } catch let StoreError.corrupt(path, detail) {
                #expect(path == marker)
                #expect(detail.contains("store repair --script '\(Self.sid)'"), "\(detail)")
            }
        }
        let report = try ScriptStore.repair(directory: dir.url, scriptId: Self.sid)
        #expect(report.rewroteMarker == marker)
        #expect(Listing.repair(report).first?.contains("rewritten") == true)
        let reopened = try ScriptStore.open(directory: dir.url, scriptId: Self.sid)
        #expect(reopened.state.processedTransactions.count == 3)
        reopened.close()
        // The marker is whole again: the guard works (an emptied journal is lost, not fresh).
        try Data().write(to: URL(fileURLWithPath: store.journalPath))
        #expect(throws: StoreError.self) { try ScriptStore.open(directory: dir.url, scriptId: Self.sid) }
    }
}
