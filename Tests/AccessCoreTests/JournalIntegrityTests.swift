import Foundation
import Testing
@testable import AccessCore

/// Issue 11.4: damaged journal lines stop the load with the file and line; only a torn final line is
/// dropped; `repair` keeps the good prefix and sets the rest aside.
@Suite struct JournalIntegrityTests {
    static let sid = "PUB;integrity"

    /// A store with five journal lines (titles t1...t5, a processed id each), closed.
    func fiveLines(_ dir: TempDir) throws -> String {
        let store = try ScriptStore.open(directory: dir.url, scriptId: Self.sid)
        for i in 1...5 { try store.commit([.setTitle("t\(i)"), .markProcessed(transactionId: "tx-\(i)")]) }
        let path = store.journalPath
        store.close()
        return path
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func write(_ lines: [String], to path: String, end: String = "\n") throws {
        try (lines.joined(separator: "\n") + end).write(toFile: path, atomically: false, encoding: .utf8)
    }

    func expectCorrupt(_ dir: TempDir, line: Int, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for attempt in ["open", "peek"] {
            do {
                if attempt == "open" { _ = try ScriptStore.open(directory: dir.url, scriptId: Self.sid) }
                else { _ = try ScriptStore.peek(directory: dir.url, scriptId: Self.sid) }
                Issue.record("\(attempt) loaded a damaged journal", sourceLocation: sourceLocation)
            } catch let StoreError.corrupt(path, detail) {
                #expect(path.hasSuffix(".journal") && detail.hasPrefix("line \(line): ") && detail.contains(words),
                        "\(attempt): \(detail)", sourceLocation: sourceLocation)
                #expect(detail.contains("store repair --script '\(Self.sid)'"), sourceLocation: sourceLocation)
            } catch {
                Issue.record("\(attempt): \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func linesCarryAChecksumAndNamedKeys() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try fiveLines(dir)
        for line in try lines(path) {
            #expect(line.hasSuffix("\"}") && line.contains(#","crc":""#) && !line.contains("_0"), "\(line)")
        }
    }

    @Test func aChangedByteInTheLastLineStopsTheLoad() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try fiveLines(dir)
        var all = try lines(path)
        all[4] = all[4].replacingOccurrences(of: "tx-5", with: "tx-6")
        try write(all, to: path)
        expectCorrupt(dir, line: 5, "checksum mismatch")
    }

    @Test func aChangedByteInTheMiddleStopsTheLoad() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try fiveLines(dir)
        var all = try lines(path)
        all[1] = all[1].replacingOccurrences(of: "\"t2\"", with: "\"t9\"")
        try write(all, to: path)
        expectCorrupt(dir, line: 2, "checksum mismatch")
    }

    @Test func swappedAndMissingLinesStopTheLoad() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try fiveLines(dir)
        let all = try lines(path)
        try write([all[0], all[2], all[1], all[3], all[4]], to: path)
        expectCorrupt(dir, line: 2, "out of order")
        try write([all[0], all[1], all[3], all[4]], to: path)
        expectCorrupt(dir, line: 3, "missing")
        try write([all[2], all[3], all[4]], to: path)
        expectCorrupt(dir, line: 1, "changes between are lost")
    }

    @Test func aLineWithoutItsChecksumAfterCheckedOnesIsDamage() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try fiveLines(dir)
        var all = try lines(path)
        let cut = all[2].range(of: #","crc":""#)!.lowerBound
        all[2] = String(all[2][..<cut]) + "}"
        try write(all, to: path)
        expectCorrupt(dir, line: 3, "no checksum")
    }

    @Test func onlyATornFinalLineIsDropped() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try fiveLines(dir)
        let all = try lines(path)
        // A sixth line cut short by a crash: no line end.
        let sixth = all[4].replacingOccurrences(of: "\"seq\":5", with: "\"seq\":6")
        try write(all + [String(sixth.prefix(30))], to: path, end: "")
        let store = try ScriptStore.open(directory: dir.url, scriptId: Self.sid)
        #expect(store.state.title == "t5" && store.state.processedTransactions.count == 5)
        try store.commit([.setTitle("t6 again")])
        store.close()
        #expect(try ScriptStore.peek(directory: dir.url, scriptId: Self.sid).title == "t6 again", "the torn bytes were cut")
    }

    @Test func repairKeepsTheGoodPrefixAndSetsTheRestAside() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try fiveLines(dir)
        var all = try lines(path)
        all[2] = all[2].replacingOccurrences(of: "tx-3", with: "tx-X")
        try write(all, to: path)
        let at = SnapshotDate.parse("2026-12-01T17:00:00Z")!
        let report = try ScriptStore.repair(directory: dir.url, scriptId: Self.sid, now: at)
        #expect(report.keptLines == 2 && report.damagedLine == 3 && report.damage?.contains("checksum") == true)
        let quarantine = try #require(report.quarantinePath)
        #expect(quarantine == path + ".damaged-2026-12-01T170000Z")
        #expect(try lines(quarantine) == Array(all[2...]), "every set-aside byte is kept")
        #expect(report.lost.count == 3)
        #expect(report.lost[0] == "line 3, seq 3: setTitle t3, markProcessed tx-X")
        #expect(report.lost[2] == "line 5, seq 5: setTitle t5, markProcessed tx-5")
        let attrs = try FileManager.default.attributesOfItem(atPath: quarantine)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)

        // The lines set aside marked purchases processed: opening now would apply them again, so the store
        // stays closed and names the way out.
        #expect(report.lostProcessed)
        #expect(Listing.repair(report).last?.contains("store rebuild") == true)
        #expect { _ = try ScriptStore.open(directory: dir.url, scriptId: Self.sid) } throws: { error in
            String(describing: error).contains("store rebuild --script '\(Self.sid)'")
        }
        let again = try ScriptStore.repair(directory: dir.url, scriptId: Self.sid, now: at)
        #expect(!again.repaired && again.damagedLine == nil, "an intact journal is left alone")
    }
}
