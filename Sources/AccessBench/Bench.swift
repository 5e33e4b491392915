import AccessCore
import AccessSandbox
import ConsoleUI
import Foundation

/// `make bench`: measures the budgets of docs/ARCHITECTURE.md against the real parts into one table. The
/// executable's `bench` command parses the options, prints the table and turns a missed goal into its exit code.
/// The sandbox and daemon rows start the running executable again (`/proc/self/exe sandbox|daemon`), so this
/// runs inside `access-console` only.
public struct Bench: Sendable {
    /// The groups of rows `--only` picks.
    public enum Group: String, CaseIterable, Sendable { case sync, batch, store, console, daemon, poll, audit }

    /// The config to base the sync benchmark on.
    public var config = "config.json"
    /// Generated WordPress transactions for the sync benchmark.
    public var transactions = 400
    /// Injected TradingView latency in ms.
    public var latencyMs = 20
    /// One group only; all when nil.
    public var only: Group?
    /// Purchases sent through the daemon's webhook.
    public var purchases = 100

    public init() {}

    /// Measures the groups asked for. A group that fails becomes a failed row, except sync and batch,
    /// whose set-up errors are thrown.
    public func measure() async throws -> BenchTable {
        var table = BenchTable()
        if only == nil || only == .sync { try await syncRows(into: &table) }
        if only == nil || only == .batch { try await batchRows(into: &table) }
        if only == nil || only == .store { storeRows(into: &table) }
        if only == nil || only == .console { consoleRows(into: &table) }
        if only == nil || only == .daemon {
            do { try await DaemonBench(config: config, latencyMs: latencyMs, purchases: purchases).rows(into: &table) } catch {
                table.add("daemon", "failed: \(error)", "", false)
            }
        }
        if only == nil || only == .poll {
            do { try await PollBench(config: config, purchases: 50).rows(into: &table) } catch {
                table.add("daemon, polling only", "failed: \(error)", "", false)
            }
        }
        if only == nil || only == .audit { AuditBench(config: config).rows(into: &table) }
        return table
    }

    func syncRows(into table: inout BenchTable) async throws {
        let sandbox = try await BenchSandbox.start(users: 2_000, transactions: transactions)
        defer { sandbox.stop() }
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "access-console-bench")
        defer { try? FileManager.default.removeItem(at: dir) }
        let concurrency = 4
        let path = try sandbox.workspace(config: config, in: dir) { doc in
            var tv = doc["tradingview"] as? [String: Any] ?? [:]
            tv["concurrency"] = concurrency
            doc["tradingview"] = tv
        }
        let warm = try AppRuntime.open(configPath: path, environment: [:])
        try await sandbox.setFaults(Faults(latencyMs: latencyMs))
        // The longest script's list as the first run finds it: a chain of `next` cursors, one page per
        // round trip whatever the concurrency.
        let lists0 = try await sandbox.snapshot().access
        let chainPages = lists0.values.map { max(1, ($0.count + 29) / 30) }.max() ?? 0
        let bootstrapPages = lists0.values.map { max(1, ($0.count + 29) / 30) }.reduce(0, +)
        let (summary, wall, calls) = try await measuredSync(warm, sandbox)
        // The names the first run must ask TradingView about: bought, usable, and on no script's list.
        let listed = Set(lists0.values.flatMap { $0.map { Username.key($0.username) } })
        let bought = try await warm.wordpress.transactions(since: nil).transactions
            .filter { $0.status.entitles && warm.config.products[$0.productId] != nil }
        let unknown = Set(bought.compactMap { Username.normalize($0.tradingViewUsername).map(Username.key) }).subtracting(listed)
        let tvCalls = calls.tradingView
        let writes = calls["/pine_perm/add/"] + calls["/pine_perm/modify_user_expiration/"] + calls["/pine_perm/remove/"]
        let applied = summary.granted + summary.extended
        let scripts = warm.config.scriptIds.count
        let lists = calls["/pine_perm/list_users/"]
        let hints = calls["/username_hint/"]
        let ideal = Double(tvCalls) * Double(latencyMs) / 1000 / Double(concurrency)

        table.add("sync: transactions applied", "\(applied) (\(summary.review) review, \(summary.retry) retry)", "", nil)
        table.add("sync: TradingView writes per applied transaction", String(format: "%.2f", Double(writes) / Double(max(applied, 1))), "<= 1", Double(writes) <= Double(applied))
        table.add("sync: list_users pages per script per run", String(format: "%.1f (%d pages, %d scripts)", Double(lists) / Double(scripts), lists, scripts), "one paged list", nil)
        // A first run validates only names it must write to: on no list, with a purchase still running
        // (a purchase that ended grants nothing, so its name is never looked up).
        table.add("sync: username validations (names on no list)", "\(hints) (\(unknown.count) names on no list)", "<= names on no list",
                  hints <= unknown.count)
        // The first run also reads every script's full list (bootstrap). No engine can beat the longest
        // list chain (pages follow a cursor) nor the calls spread over the concurrency: the ideal is the
        // larger of the two, and the run is judged against it.
        // Read-back then reads each written script's list again, after its writes: one more chain, which
        // follows cursors like the first and cannot overlap the writes it checks.
        let readBackPages = max(0, lists - bootstrapPages)
        let lat = Double(latencyMs) / 1000
        let chainSeconds = Double(chainPages) * lat
        let firstIdeal = max(chainSeconds, Double(tvCalls - readBackPages) * lat / Double(concurrency))
            + (readBackPages > 0 ? chainSeconds : 0)
        table.add("sync: first run (bootstrap) wall vs max(longest chain, calls / c) x latency + read-back chain",
                  String(format: "%.2fs vs %.2fs = %.2fx (%d calls, chain %d pages, read back %d pages, %dms, c=%d)", wall, firstIdeal,
                         wall / max(firstIdeal, 0.001), tvCalls, chainPages, readBackPages, latencyMs, concurrency),
                  "<= 1.2x", wall / max(firstIdeal, 0.001) <= 1.2)
        table.add("sync: first run: longest list chain alone (\(chainPages) pages x latency)",
                  String(format: "%.2fs; calls x latency / c: %.2fs", chainSeconds, ideal), "", nil)

        // Steady state: runs of repeat purchases of known users (no validation, no list calls), on the
        // median of several: one run lasts a fraction of a second, and a 2-core machine's noise is a few
        // percent. 50 purchases is a quiet 15 minutes of a shop, 200 a busy one. The busy run is judged:
        // every run also pays a fixed ~20-30 ms (open the scripts, read WordPress's tail, plan) that the
        // formula has no term for, over 10 % of a 0.2 s run and 3 % of a 1 s one.
        let names = try await sandbox.snapshot().access.values.flatMap { $0 }.map(\.username).sorted()  // the same users every time
        for (count, runs, judged) in [(50, 5, false), (200, 3, true)] {
            let steady = try await steadyRuns(names: Array(names.prefix(count)), runs: runs, sandbox: sandbox, runtime: warm,
                                              concurrency: concurrency)
            table.add("sync: validations for \(count) repeat buyers, \(runs) runs (known good)", "\(steady.validations)", "0",
                      steady.validations == 0)
            table.add("sync: writes for \(steady.applied) applied repeat purchases", "\(steady.writes)", "<= applied",
                      steady.writes <= steady.applied)
            // Read-back reads each written script's whole list (the contract has no per-user filter): its
            // pages, against the goal of at most the list's pages and at most one call per write.
            let pages = max(1, ((lists0.values.map(\.count).max() ?? 0) + 29) / 30)
            table.add("sync: read-back of \(steady.writes) writes, \(runs) runs: list pages (script list ~\(pages) pages)",
                      "\(steady.readBackPages) pages, \(steady.verified) verified", "<= pages per run, <= 1 per write (reported)", nil)
            let m = steady.median
            table.add("sync: steady state, \(count) purchases: wall vs (other calls / c + read-back chain) x latency (median of \(runs))",
                      String(format: "%.2fs vs %.2fs = %.2fx (%d calls; all: %@)", m.wall, m.ideal, m.ratio, m.calls,
                             steady.ratios.map { String(format: "%.2f", $0) }.joined(separator: " ")),
                      judged ? "<= 1.2x" : "(reported)", judged ? m.ratio <= 1.2 : nil)
        }
        let watchMinutes = warm.config.tradingview.sessionCheckMinutes ?? TradingViewConfig.defaultSessionCheckMinutes
        table.add("daemon: session watch calls per hour (tvcoins, every \(watchMinutes) min)",
                  watchMinutes > 0 ? String(format: "%.1f", 60 / watchMinutes) : "0 (off)", "(reported)", nil)
        let wpStart = ContinuousClock.now
        _ = try await warm.wordpress.transactions(since: nil)
        table.add("sync: one WordPress fetch of all \(try await sandbox.snapshot().transactionCount) transactions (no latency injected)",
                  String(format: "%.2fs", (ContinuousClock.now - wpStart).seconds), "", nil)
    }

    struct SteadyRun { var wall: Double; var ideal: Double; var calls: Int; var ratio: Double { wall / max(ideal, 0.001) } }
    struct Steady {
        var runs: [SteadyRun] = []
        var validations = 0, writes = 0, applied = 0
        /// list_users pages the runs read: the read-back of their writes (no bootstrap in steady state).
        var readBackPages = 0, verified = 0
        var ratios: [Double] { runs.map(\.ratio).sorted() }
        var median: SteadyRun { runs.sorted { $0.ratio < $1.ratio }[runs.count / 2] }
    }

    /// Requests the sandbox saw during one measurement, by path.
    struct CallDelta {
        let before: [String: Int], after: [String: Int]
        subscript(path: String) -> Int { (after[path] ?? 0) - (before[path] ?? 0) }
        /// Every TradingView request (WordPress has no injected latency, so it is not in the formula).
        var tradingView: Int {
            after.keys.filter { !$0.contains("wp-json") && !$0.contains("all-user") }.reduce(0) { $0 + self[$1] }
        }
    }

    /// One sync of `runtime`, timed, with the requests the sandbox saw during it.
    func measuredSync(_ runtime: AppRuntime, _ sandbox: BenchSandbox) async throws -> (SyncSummary, Double, CallDelta) {
        let before = try await sandbox.snapshot().calls
        let start = ContinuousClock.now
        let outcome = await runtime.actions.perform(.sync)
        let wall = (ContinuousClock.now - start).seconds
        guard let summary = outcome.summary else { throw BenchError("sync: \(outcome.message)") }
        return (summary, wall, CallDelta(before: before, after: try await sandbox.snapshot().calls))
    }

    /// `runs` syncs, each after one new purchase by every user in `names`.
    func steadyRuns(names: [String], runs: Int, sandbox: BenchSandbox, runtime: AppRuntime, concurrency: Int) async throws -> Steady {
        var steady = Steady()
        for run in 0..<runs {
            let now = Date()
            try await sandbox.addTransactions(names.enumerated().map { i, name in
                SandboxTransaction(id: 0, productId: 101, email: "\(name)@example.com", wpUsername: name, tradingviewUsername: name,
                                   status: "complete", createdAt: now.addingTimeInterval(Double(run * 1000 + i) / 1000), expiresAt: nil)
            })
            let (summary, wall, calls) = try await measuredSync(runtime, sandbox)
            steady.validations += calls["/username_hint/"]
            steady.writes += calls["/pine_perm/add/"] + calls["/pine_perm/modify_user_expiration/"]
            steady.applied += summary.granted + summary.extended
            steady.readBackPages += calls["/pine_perm/list_users/"]
            steady.verified += summary.verified
            // The writes spread over the concurrency; the read-back (one script written here) is a chain of pages.
            let pages = calls["/pine_perm/list_users/"]
            let ideal = (Double(calls.tradingView - pages) / Double(concurrency) + Double(pages)) * Double(latencyMs) / 1000
            steady.runs.append(SteadyRun(wall: wall, ideal: ideal, calls: calls.tradingView))
        }
        return steady
    }

    func storeRows(into table: inout BenchTable) {
        let dir = (try? DemoWorkspace.temporaryDirectory(prefix: "access-console-store-bench")) ?? URL(fileURLWithPath: NSTemporaryDirectory())
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let rows = try StoreBenchmark.run(userCounts: [1_000, 10_000, 100_000], directory: dir)
            for r in rows {
                table.add("store \(r.users) users: load", String(format: "%.3fs (snapshot %.1f MB)", r.loadSeconds, Double(r.snapshotBytes) / 1e6),
                          r.users == 100_000 ? "< 0.5s" : "", r.users == 100_000 ? r.loadSeconds < 0.5 : nil)
                table.add("store \(r.users) users: one durable change", String(format: "%.0f µs", r.commitMicros), "flat", nil)
            }
            if let small = rows.first, let big = rows.last {
                let ratio = big.commitMicros / max(small.commitMicros, 1)
                table.add("store: change cost 100k vs 1k users", String(format: "%.2fx", ratio), "flat (< 3x)", ratio < 3)
                table.add("store: peak memory", String(format: "%.0f MB", big.peakRSSMB), "< 200 MB", big.peakRSSMB < 200)
            }
        } catch {
            table.add("store", "failed: \(error)", "", false)
        }
    }

    /// A workspace on the demo config whose first script holds `users` users; the services point at a
    /// closed port, so the console shows the data without calling anything.
    public static func writeConsoleFixture(users: Int, directory: URL?) throws -> String {
        let dir = try directory ?? DemoWorkspace.temporaryDirectory(prefix: "access-console-fixture")
        let path = try DemoWorkspace.prepare(templateConfig: nil, directory: dir,
                                             endpoints: .unreachable,
                                             cookies: nil, environment: [:])
        let config = try ConfigLoader.load(path: path, environment: [:])
        // A journal of 300 lines after the snapshot, as a day of syncs leaves it: the console reads both.
        try StoreBenchmark.writeFixture(users: users, scriptId: config.scriptIds[0], directory: dir.appendingPathComponent("masterData"),
                                        journalLines: 300)
        return path
    }

    func consoleRows(into table: inout BenchTable) {
        let frame = ConsoleBenchmark.frameRender(users: 100_000)
        table.add("console 100k users: frame render", String(format: "%.2f ms", frame * 1000), "< 5 ms", frame < 0.005)
        let filter = ConsoleBenchmark.filterKeystroke(users: 100_000)
        table.add("console 100k users: filter keystroke", String(format: "%.2f ms", filter * 1000), "< 20 ms", filter < 0.020)
        do {
            let dir = try DemoWorkspace.temporaryDirectory(prefix: "access-console-bench-overview")
            defer { try? FileManager.default.removeItem(at: dir) }
            let load = try ConsoleBenchmark.overviewLoad(configPath: try Self.writeConsoleFixture(users: 100_000, directory: dir))
            table.add("console 100k users: read the files for display (best of 5)", String(format: "%.0f ms", load.read * 1000), "", nil)
            table.add("console 100k users: build the users index (best of 5)", String(format: "%.0f ms", load.index * 1000), "", nil)
        } catch {
            table.add("console 100k users: overview load", "failed: \(error)", "", false)
        }
    }
}
