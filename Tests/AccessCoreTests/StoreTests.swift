import Foundation
import Testing
@testable import AccessCore

/// A fresh folder under the system temp dir, removed by `cleanup()`.
struct TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// A `/bin/sh` child holding an exclusive flock on `file` from its own pid (no fork, so SIGKILL frees it).
final class LockHolder {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    init(file: String, writePid: Bool) throws {
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let pid = writePid ? "echo $$ > \"$1\"; " : ""
        process.arguments = ["-c", "\(pid)exec 9>>\"$1\"; flock -n 9 || exit 1; echo locked; read x", "sh", file]
        process.standardInput = input
        process.standardOutput = output
        SpawnGuard.fewDescriptorsBlocking()
        try process.run()
        let line = output.fileHandleForReading.availableData
        guard String(decoding: line, as: UTF8.self).hasPrefix("locked") else {
            throw StoreError.io(path: file, detail: "child could not take the lock")
        }
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

let t0 = Date(timeIntervalSince1970: 1_735_689_600.123)

func sampleChanges(_ i: Int) -> [AccessChange] {
    let at = t0.addingTimeInterval(Double(i) * 3600.4567)
    return [
        .upsertUser(UserAccess(username: "Trader_\(i)", email: "t\(i)@example.com", expiry: at, grantedAt: at)),
        .appendHistory(username: "trader_\(i)", entry: HistoryEntry(at: at, actor: "sync", action: "grant", expiry: at, transactionId: "tx\(i)")),
        .markProcessed(transactionId: "tx\(i)"),
        .setLastProcessed(at),
    ]
}

@Suite struct ScriptStoreTests {
    let scriptId = "PUB;7d3c9f/x"

    @Test func commitThenReopenGivesTheSameState() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var live: ScriptAccess
        do {
            let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
            for i in 0..<5 { try store.commit(sampleChanges(i)) }
            try store.commit([.setTitle("Title \"quoted\"\n"), .setBootstrapped(true), .removeUser(username: "TRADER_0"),
                              .putRetry(RetryItem(id: "r1", operation: .grant, username: "x", email: nil, term: .months(1),
                                                  transactionId: "r1", attempts: 2, nextAttemptAt: t0, lastError: "timeout", createdAt: t0)),
                              .putReview(ReviewItem(id: "v1", reason: .invalidUsername, typedName: "bad name", email: "e@x",
                                                    transactionId: "v1", productId: "p", term: .lifetime, detail: "unknown", createdAt: t0)),
                              .openIntent(WriteIntent(id: "i1", operation: .extend, username: "Trader_1", targetExpiry: nil,
                                                      previousExpiry: t0, wasKnown: true, transactionId: "tx9", createdAt: t0))])
            live = store.state
            store.close()
        }
        #expect(live.users.count == 4)
        #expect(live.user("trader_1")?.history.count == 1)
        let reopened = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        #expect(reopened.state == live)
        try reopened.compact()
        reopened.close()
        let afterCompaction = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        #expect(afterCompaction.state == live)
        #expect(FileManager.default.fileExists(atPath: dir.path("PUB;7d3c9f%2Fx.json")))
    }

    @Test func snapshotIsPlainScriptAccessJSON() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        for i in 0..<3 { try store.commit(sampleChanges(i)) }
        try store.compact()
        let data = try Data(contentsOf: URL(fileURLWithPath: store.snapshotPath))
        #expect(try StoreJSON.decoder().decode(ScriptAccess.self, from: data) == store.state)
        #expect(String(decoding: data, as: UTF8.self).contains("\"expiry\":\"2025-01-01T00:00:00.123Z\""))
    }

    @Test func tornLastLineIsIgnoredAndCut() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        try store.commit(sampleChanges(1)); try store.commit(sampleChanges(2))
        let expected = store.state
        let intactSize = try FileManager.default.attributesOfItem(atPath: store.journalPath)[.size] as! Int
        store.close()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: store.journalPath))
        try handle.seekToEnd(); try handle.write(contentsOf: Data("{\"seq\":3,\"changes\":[{\"markProc".utf8)); try handle.close()

        let reopened = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        #expect(reopened.state == expected)
        #expect(try FileManager.default.attributesOfItem(atPath: store.journalPath)[.size] as! Int == intactSize)
        try reopened.commit(sampleChanges(3))
        let next = reopened.state
        reopened.close()
        #expect(try ScriptStore.open(directory: dir.url, scriptId: scriptId).state == next)
    }

    @Test func corruptLineInTheMiddleIsReportedWithItsNumber() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        for i in 0..<3 { try store.commit(sampleChanges(i)) }
        store.close()
        var lines = try String(contentsOfFile: store.journalPath, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[1] = "{\"seq\":2,\"changes\":[{\"nonsense\""
        try (lines.joined(separator: "\n") + "\n").write(toFile: store.journalPath, atomically: true, encoding: .utf8)
        do {
            _ = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
            Issue.record("a corrupt journal opened")
        } catch let error as StoreError {
            guard case .corrupt(let path, let detail) = error else { Issue.record("wrong error \(error)"); return }
            #expect(path == store.journalPath)
            #expect(detail.hasPrefix("line 2:"))
        }
    }

    @Test func compactionKeepsStateEmptiesJournalAndNeverReplaysTwice() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        for i in 0..<4 { try store.commit(sampleChanges(i)) }
        let journal = try Data(contentsOf: URL(fileURLWithPath: store.journalPath))
        let expected = store.state
        try store.compact()
        #expect(store.pendingJournalLines == 0)
        #expect(try FileManager.default.attributesOfItem(atPath: store.journalPath)[.size] as! Int == 0)
        #expect(store.state == expected)
        store.close()
        // A crash between the snapshot's rename and the journal's truncation leaves both: history must not double.
        try journal.write(to: URL(fileURLWithPath: store.journalPath))
        let reopened = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        #expect(reopened.state == expected)
        #expect(reopened.state.user("trader_2")?.history.count == 1)
    }

    @Test func longJournalIsCompactedAtOpen() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let options = StoreOptions(compactAfterLines: 3)
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId, options: StoreOptions(compactAfterLines: 100))
        for i in 0..<5 { try store.commit(sampleChanges(i)) }
        let expected = store.state
        store.close()
        let reopened = try ScriptStore.open(directory: dir.url, scriptId: scriptId, options: options)
        #expect(reopened.pendingJournalLines == 0)
        #expect(reopened.state == expected)
    }

    @Test func secondOpenerIsRefusedWhileTheLockIsHeld() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let lockPath = dir.path("PUB;7d3c9f%2Fx.lock")
        let child = try LockHolder(file: lockPath, writePid: false)
        #expect(throws: StoreError.self) { _ = try ScriptStore.open(directory: dir.url, scriptId: scriptId) }
        child.kill()  // a dead holder's lock is free
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        do {
            _ = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
            Issue.record("second open in the same process succeeded")
        } catch let error as StoreError {
            guard case .locked(let path) = error else { Issue.record("wrong error \(error)"); return }
            #expect(path == lockPath)
        }
        store.close()
        #expect(try ScriptStore.open(directory: dir.url, scriptId: scriptId).isClosed == false)
    }

    /// A writer killed with SIGKILL mid-loop: every line it reported finished is loaded, the torn tail is not.
    @Test func killedWriterLosesNothingItFinished() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        store.close()
        let child = Process()
        let output = Pipe()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        // Each line goes out in two writes, so a kill often lands between them and leaves a torn line.
        child.arguments = ["-c", """
            i=0; while true; do i=$((i+1))
            printf '{"seq":%d,"changes":[{"markProc' "$i" >> "$1"
            printf 'essed":{"transactionId":"t%d"}}]}\\n' "$i" >> "$1"
            echo "$i"; done
            """, "sh", store.journalPath]
        child.standardOutput = output
        SpawnGuard.fewDescriptorsBlocking()
        try child.run()
        // Killed once it has finished a few hundred lines (as it tells), wherever it is then.
        var told = Data()
        while !String(decoding: told, as: UTF8.self).contains("\n300\n") {
            let more = output.fileHandleForReading.availableData
            guard !more.isEmpty else { break }
            told.append(more)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        told.append(output.fileHandleForReading.readDataToEndOfFile())
        let reported = String(decoding: told, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }.max() ?? 0
        #expect(reported >= 300)
        let reopened = try ScriptStore.open(directory: dir.url, scriptId: scriptId, options: StoreOptions(compactAfterLines: .max))
        let ids = reopened.state.processedTransactions
        #expect((1...reported).allSatisfy { ids.contains("t\($0)") })
        #expect(ids.count <= reported + 1)  // the line being written when killed may have completed
    }
}

@Suite struct RunLockTests {
    @Test func reportsTheHolderPidAcrossProcesses() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        #expect(RunLock.holder(directory: dir.url) == nil)
        let lock = try RunLock.acquire(directory: dir.url)
        #expect(RunLock.holder(directory: dir.url) == getpid())
        #expect(throws: RunLockError.held(path: dir.path(".sync.lock"), pid: getpid())) { _ = try RunLock.acquire(directory: dir.url) }
        lock.release()
        #expect(RunLock.holder(directory: dir.url) == nil)

        let child = try LockHolder(file: dir.path(".sync.lock"), writePid: true)
        let pid = child.process.processIdentifier
        #expect(RunLock.holder(directory: dir.url) == pid)
        #expect(throws: RunLockError.held(path: dir.path(".sync.lock"), pid: pid)) { _ = try RunLock.acquire(directory: dir.url) }
        child.kill()
        #expect(RunLock.holder(directory: dir.url) == nil)
        let again = try RunLock.acquire(directory: dir.url)
        #expect(RunLock.holder(directory: dir.url) == getpid())
        again.release()
    }
}

@Suite struct StoreFormatTests {
    @Test func datesRoundTripToTheMillisecond() {
        let d = Date(timeIntervalSince1970: 1_709_164_800.4567)
        #expect(SnapshotDate.string(d) == "2024-02-29T00:00:00.457Z")
        #expect(SnapshotDate.parse("2024-02-29T00:00:00.457Z").map(SnapshotDate.string) == "2024-02-29T00:00:00.457Z")
        #expect(SnapshotDate.parse("2024-02-29T02:00:00+02:00") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(SnapshotDate.string(Date(timeIntervalSince1970: -86_400)) == "1969-12-31T00:00:00Z")
        #expect(SnapshotDate.parse("2024-13-01T00:00:00Z") == nil)
        #expect(SnapshotDate.parse("2024-02-29") == nil)
    }

    @Test func scriptIdsBecomeSafeReversibleFileNames() {
        #expect(ScriptFileName.encode("PUB;7d3c") == "PUB;7d3c")
        #expect(ScriptFileName.encode("../x/y") == "%2E.%2Fx%2Fy")
        #expect(ScriptFileName.decode(ScriptFileName.encode("a b/é")) == "a b/é")
    }

    @Test func benchmarkReportsARow() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let rows = try StoreBenchmark.run(userCounts: [200], directory: dir.url, commits: 5)
        #expect(rows.count == 1)
        #expect(rows[0].users == 200 && rows[0].snapshotBytes > 200 * 100 && rows[0].peakRSSMB > 0)
    }
}

@Suite struct StorePeekTests {
    let scriptId = "PUB;peek"

    @Test func peekReadsWhileAnotherProcessHoldsTheLock() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId, options: StoreOptions(compactAfterLines: 2))
        for i in 0..<3 { try store.commit(sampleChanges(i)) }
        try store.compact()
        try store.commit(sampleChanges(3), durability: .deferred)
        let expected = store.state
        let lockPath = dir.path(ScriptFileName.encode(scriptId) + ".lock")
        store.close()
        let holder = try LockHolder(file: lockPath, writePid: false)
        defer { holder.kill() }
        #expect(try ScriptStore.peek(directory: dir.url, scriptId: scriptId) == expected)
    }

    @Test func peekIgnoresALineBeingWrittenAndCreatesNothing() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        #expect(try ScriptStore.peek(directory: dir.url, scriptId: scriptId) == ScriptAccess(scriptId: scriptId))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty, "a reader writes nothing")
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        try store.commit(sampleChanges(0))
        let expected = store.state
        let journal = store.journalPath
        store.close()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: journal))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"changes":[{"markProcessed":{"transactionId":"half"#.utf8))
        try handle.close()
        let seen = try ScriptStore.peek(directory: dir.url, scriptId: scriptId)
        #expect(seen == expected)
        #expect(!seen.processedTransactions.contains("half"))
    }

    @Test func peekSkipsLinesAlreadyInTheSnapshot() throws {
        // A compaction caught between its rename and its truncation leaves both.
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId, options: StoreOptions(compactAfterLines: .max))
        for i in 0..<3 { try store.commit(sampleChanges(i)) }
        let journal = try Data(contentsOf: URL(fileURLWithPath: store.journalPath))
        try store.compact()
        let expected = store.state
        let path = store.journalPath
        store.close()
        try journal.write(to: URL(fileURLWithPath: path))
        let seen = try ScriptStore.peek(directory: dir.url, scriptId: scriptId)
        #expect(seen == expected)
        #expect(seen.user("trader_1")?.history.count == 1)
    }
}

@Suite struct StoreDurabilityTests {
    let scriptId = "PUB;durability"

    @Test func deferredCommitsAreWrittenAndSurviveAReopen() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId, options: StoreOptions(compactAfterLines: .max))
        try store.commit(sampleChanges(0))
        try store.commit(sampleChanges(1), durability: .deferred)
        // Written at once (a killed process loses nothing), though not yet flushed.
        let journal = try String(contentsOfFile: store.journalPath, encoding: .utf8)
        #expect(journal.split(separator: "\n").count == 2)
        let expected = store.state
        store.close()
        let reopened = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        #expect(reopened.state == expected)
        #expect(reopened.state.user("trader_1") != nil)
    }

    @Test func concurrentCommitsShareFlushesAndLoseNothing() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId, options: StoreOptions(compactAfterLines: .max))
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<64 {
                group.addTask { try? store.commit(sampleChanges(i), durability: i % 3 == 0 ? .deferred : .durable) }
            }
        }
        #expect(store.pendingJournalLines == 64)
        let expected = store.state
        #expect(expected.users.count == 64)
        store.close()
        let reopened = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        #expect(reopened.state == expected)
    }

    @Test func aLargeJournalIsCompactedAtCloseEvenWithFewLines() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let options = StoreOptions(compactAfterLines: 1000, compactAfterBytes: 4096)
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId, options: options)
        // One line like a bootstrap's: every user of a script at once.
        try store.commit((0..<100).map { .upsertUser(UserAccess(username: "User\($0)", expiry: t0)) })
        #expect(store.pendingJournalLines == 1)
        let expected = store.state
        store.close()
        #expect(try FileManager.default.attributesOfItem(atPath: store.journalPath)[.size] as! Int == 0)
        let reopened = try ScriptStore.open(directory: dir.url, scriptId: scriptId, options: options)
        #expect(reopened.state == expected)
    }

    @Test func aClosedStoreRefusesCommitsOfEitherKind() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try ScriptStore.open(directory: dir.url, scriptId: scriptId)
        store.close()
        #expect(throws: StoreError.self) { try store.commit(sampleChanges(0)) }
        #expect(throws: StoreError.self) { try store.commit(sampleChanges(0), durability: .deferred) }
    }
}
