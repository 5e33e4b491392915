import Foundation
import Testing
@testable import AccessCore

/// Issue 20, the design step: ids are quoted in every hint, so the hint pastes into a shell as one command.
@Suite struct CommandHintTests {
    @Test func idsAreQuotedAsOneShellWord() {
        #expect(CommandHint.quote("PUB;abc") == "'PUB;abc'")
        #expect(CommandHint.quote("it's") == #"'it'\''s'"#)
        #expect(CommandHint.store("repair", script: "PUB;abc") == "`access-console store repair --script 'PUB;abc'`")
    }

    @Test func theStoresHintsQuoteTheScriptId() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: "PUB;hint")
        try store.commit([.markProcessed(transactionId: "tx-1")])
        store.close()
        try Data().write(to: URL(fileURLWithPath: store.journalPath))
        try? FileManager.default.removeItem(atPath: store.snapshotPath)
        do {
            _ = try ScriptStore.open(directory: dir.url, scriptId: "PUB;hint")
            Issue.record("a lost store opened")
        } catch let StoreError.corrupt(_, detail) {
            #expect(detail.contains("store rebuild --script 'PUB;hint'"), "\(detail)")
            #expect(!detail.contains("--script PUB;hint"), "\(detail)")
        }
    }
}
