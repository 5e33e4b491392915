import Foundation

/// One row of `access-console bench`'s store table.
public struct StoreBenchRow: Sendable, Codable {
    public var users: Int
    /// Open: lock, snapshot parse, journal replay.
    public var loadSeconds: Double
    /// Median of single-change durable commits (write + fsync) against the loaded store.
    public var commitMicros: Double
    public var snapshotBytes: Int
    /// Peak resident memory while loading (VmHWM after resetting it), in MB.
    public var peakRSSMB: Double
}

/// Measures the store budgets (load < 0.5 s and memory < 200 MB at 100k users, O(1) commits).
public enum StoreBenchmark {
    public static func run(userCounts: [Int], directory: URL, commits: Int = 200) throws -> [StoreBenchRow] {
        var rows: [StoreBenchRow] = []
        for count in userCounts {
            let scriptId = "PUB;bench\(count)"
            try writeFixture(users: count, scriptId: scriptId, directory: directory)
            resetPeakRSS()
            let start = Date()
            let store = try ScriptStore.open(directory: directory, scriptId: scriptId,
                                             options: StoreOptions(compactAfterLines: .max))
            let loadSeconds = Date().timeIntervalSince(start)
            let peak = residentMB()
            var micros: [Double] = []
            let at = Date()
            for i in 0..<commits {
                let entry = HistoryEntry(at: at, actor: "bench", action: "extend", expiry: at, transactionId: "b\(i)")
                let t = Date()
                try store.commit([.appendHistory(username: "user\(i % max(count, 1))", entry: entry)])
                micros.append(Date().timeIntervalSince(t) * 1e6)
            }
            store.close()
            let size = (try? FileManager.default.attributesOfItem(atPath: store.snapshotPath)[.size] as? Int) ?? 0
            micros.sort()
            rows.append(StoreBenchRow(users: count, loadSeconds: loadSeconds,
                                      commitMicros: micros.isEmpty ? 0 : micros[micros.count / 2],
                                      snapshotBytes: size, peakRSSMB: peak))
            for ext in [".json", ".journal", ".lock"] {
                try? FileManager.default.removeItem(atPath: directory.appendingPathComponent(ScriptFileName.encode(scriptId) + ext).path)
            }
        }
        return rows
    }

    /// A realistic script: every user with email, WordPress name, two history entries and two
    /// processed transactions; a few queue items.
    static func fixture(users count: Int, scriptId: String) -> ScriptAccess {
        var s = ScriptAccess(scriptId: scriptId, title: "Benchmark script")
        let base = Date(timeIntervalSince1970: 1_735_689_600.25)
        s.users.reserveCapacity(count)
        for i in 0..<count {
            let name = "User\(i)"
            let expiry = base.addingTimeInterval(Double(i % 400) * 86_400)
            s.users[Username.key(name)] = UserAccess(
                username: name, email: "user\(i)@example.com", wpUsername: "wp_user\(i)", expiry: expiry, grantedAt: base,
                history: [HistoryEntry(at: base, actor: "sync", action: "grant", expiry: expiry.addingTimeInterval(-2_592_000), transactionId: "t\(i)a"),
                          HistoryEntry(at: base, actor: "sync", action: "extend", expiry: expiry, transactionId: "t\(i)b")])
            s.processedTransactions.insert("t\(i)a")
            s.processedTransactions.insert("t\(i)b")
        }
        for i in 0..<min(count, 20) {
            s.retryQueue["r\(i)"] = RetryItem(id: "r\(i)", operation: .grant, username: "User\(i)", email: nil, term: .months(1),
                                             transactionId: "r\(i)", attempts: 1, nextAttemptAt: base, lastError: "timeout", createdAt: base)
            s.reviewQueue["v\(i)"] = ReviewItem(id: "v\(i)", reason: .invalidUsername, typedName: "bad name \(i)", email: "x\(i)@example.com",
                                               transactionId: "v\(i)", productId: "p1", term: .months(1), detail: "no such user", createdAt: base)
        }
        s.lastProcessedAt = base
        s.bootstrapped = true
        return s
    }

    /// Writes the benchmark script with `users` users as master data in `directory`: a snapshot, and
    /// `journalLines` journal lines after it (each a user's new expiry and history entry, spread over
    /// the users, as a day of syncs leaves them before the journal is compacted).
    public static func writeFixture(users: Int, scriptId: String, directory: URL, journalLines: Int = 0) throws {
        try DurableFile.createDirectory(directory)
        let base = directory.appendingPathComponent(ScriptFileName.encode(scriptId)).path
        let state = fixture(users: users, scriptId: scriptId)
        try DurableFile.replace(base + ".json", with: try SnapshotCodec.encode(state, journalSequence: 0))
        try? FileManager.default.removeItem(atPath: base + ".journal")
        guard journalLines > 0, users > 0 else { return }
        let store = try ScriptStore.open(directory: directory, scriptId: scriptId)
        defer { store.close() }
        let at = Date(timeIntervalSince1970: 1_767_225_600)
        for line in 0..<journalLines {
            guard var user = state.users[Username.key("User\(line * users / journalLines)")] else { continue }
            let entry = HistoryEntry(at: at, actor: "sync", action: "extend", expiry: at.addingTimeInterval(30 * 86_400), transactionId: "j\(line)")
            user.expiry = entry.expiry
            try store.commit([.upsertUser(user), .appendHistory(username: user.username, entry: entry)], durability: .deferred)
        }
    }

    /// Resets VmHWM to the current RSS (Linux 4.0+), so each row's peak is its own load's.
    private static func resetPeakRSS() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    static func residentMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        func field(_ name: String) -> Double? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            return line.split(separator: " ").compactMap { Double($0) }.first.map { $0 / 1024 }
        }
        return field("VmHWM") ?? field("VmRSS") ?? 0
    }
}
