import AccessCore
import AccessSandbox
import Foundation

/// The polling rows of `make bench`: a daemon without webhooks (`server.webhook_key` unset) and the default
/// `scheduler.poll_seconds`, purchases arriving at their own times over two minutes; purchase -> access
/// p50/p99, then MemberPress calls a minute while nothing happens.
struct PollBench {
    let config: String
    let purchases: Int

    func rows(into table: inout BenchTable) async throws {
        let sandbox = try await BenchSandbox.start(users: 400, transactions: 40)
        defer { sandbox.stop() }
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "access-console-poll-bench")
        defer { try? FileManager.default.removeItem(at: dir) }
        let token = "bench-token-\(UUID().uuidString)"
        let path = try sandbox.workspace(config: config, in: dir) { doc in
            doc["server"] = ["api_token": ["value": token]]   // no webhook key: webhooks closed
            doc["alerts"] = nil
        }
        let pollSeconds = (try? ConfigLoader.load(path: path, environment: [:]).scheduler.pollSeconds) ?? nil ?? 30
        let daemon = try await BenchDaemonProcess.start(config: path, startupSync: true)
        defer { daemon.stop() }
        let http = CurlTransport(options: .init(connectTimeout: 2, timeout: 30, threads: 1, serviceName: "daemon"))
        let base = "http://127.0.0.1:\(daemon.port)"
        // The start-up sync (a first run) done, as on a daemon that has long been running.
        try await benchWait(seconds: 120, every: .milliseconds(50)) {
            let body = try await http.send(HTTPRequest(url: base + "/status", headers: [("Authorization", "Bearer \(token)")])).body
            let s = try JSONSerialization.jsonObject(with: body) as? [String: Any]
            return s?["running"] is NSNull && s?["last_run"] is [String: Any]
        }

        let buyers = (0..<purchases).map { "PollBuyer\($0)" }
        for name in buyers { try await sandbox.addAccount(name) }
        // Purchases arrive spread over two minutes, whatever the poll's phase: the spread is what a shop sees.
        let spread = 120.0 / Double(max(purchases, 1))
        let start = ContinuousClock.now
        var bought: [String: ContinuousClock.Instant] = [:]
        var landed: [String: ContinuousClock.Instant] = [:]
        var next = 0
        let deadline = start + .seconds(120 + 3 * pollSeconds + 60)
        while landed.count < buyers.count && ContinuousClock.now < deadline {
            while next < buyers.count && ContinuousClock.now >= start + .milliseconds(Int(Double(next) * spread * 1000)) {
                let name = buyers[next]
                _ = try await sandbox.addTransactions([SandboxTransaction(
                    id: 0, productId: 101, email: "\(name)@example.com", wpUsername: name, tradingviewUsername: name,
                    status: "complete", createdAt: Date(), expiresAt: AccessTerm.months(1).expiry(from: Date()))])
                bought[name] = ContinuousClock.now
                next += 1
            }
            let written = Set(try await sandbox.snapshot().writes.map(\.username))
            for name in bought.keys where landed[name] == nil && written.contains(name) { landed[name] = ContinuousClock.now }
            try await Task.sleep(for: .milliseconds(200))
        }
        var latencies = buyers.compactMap { name in landed[name].flatMap { end in bought[name].map { (end - $0).seconds } } }.sorted()
        let lost = buyers.count - latencies.count
        if latencies.isEmpty { latencies = [.infinity] }
        func pct(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        table.add("daemon, polling only (no webhooks, poll every \(pollSeconds) s): purchase -> access, \(purchases) purchases: p50",
                  String(format: "%.1fs", pct(0.5)), "", nil)
        table.add("daemon, polling only: purchase -> access p99", String(format: "%.1fs%@", pct(0.99), lost > 0 ? " (\(lost) never)" : ""),
                  "< 60s", lost == 0 && pct(0.99) < 60)

        // Idle: nothing bought for 90 s.
        let calls = { (s: SandboxState) in s.calls.filter { $0.key.hasPrefix("/wp-json/") }.values.reduce(0, +) }
        let before = calls(try await sandbox.snapshot())
        try await Task.sleep(for: .seconds(90))
        let perMinute = Double(calls(try await sandbox.snapshot()) - before) / 1.5
        table.add("daemon, polling only: WordPress calls a minute while idle", String(format: "%.1f", perMinute), "<= 2", perMinute <= 2)
    }
}
