import AccessCore
import AccessSandbox
import Foundation

/// The daemon rows of `make bench`: payment-to-access latency through the MemberPress webhook (POST ->
/// the sandbox has the grant) against the real daemon process, and the daemon's idle CPU and memory.
struct DaemonBench {
    let config: String
    let latencyMs: Int
    let purchases: Int

    func rows(into table: inout BenchTable) async throws {
        let sandbox = try await BenchSandbox.start(users: 400, transactions: 40)
        defer { sandbox.stop() }
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "access-console-daemon-bench")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (token, key) = ("bench-token-\(UUID().uuidString)", "bench-key-\(UUID().uuidString)")
        let path = try sandbox.workspace(config: config, in: dir) { doc in
            doc["server"] = ["api_token": ["value": token], "webhook_key": ["value": key]]
            doc["alerts"] = nil
        }
        let daemon = try await BenchDaemonProcess.start(config: path)
        defer { daemon.stop() }
        let http = CurlTransport(options: .init(connectTimeout: 2, timeout: 30, threads: 1, serviceName: "daemon"))
        let base = "http://127.0.0.1:\(daemon.port)"

        // Bootstrap first (every script's list read once), as a running daemon has long done.
        _ = try await http.send(HTTPRequest(method: "POST", url: base + "/sync", headers: [("Authorization", "Bearer \(token)")]))
        try await benchWait(seconds: 120) {
            let body = try await http.send(HTTPRequest(url: base + "/status", headers: [("Authorization", "Bearer \(token)")])).body
            let s = try JSONSerialization.jsonObject(with: body) as? [String: Any]
            return s?["running"] is NSNull && s?["last_run"] is [String: Any]
        }
        try await sandbox.setFaults(Faults(latencyMs: latencyMs))

        // New buyers: fresh accounts, so each purchase is a validation and one grant.
        let script = DemoSeed.alphaTrendSuite
        let product = 101
        let buyers = (0..<purchases).map { "HookBuyer\($0)" }
        for name in buyers { try await sandbox.addAccount(name) }
        var latencies: [Double] = []
        for name in buyers {
            let ids = try await sandbox.addTransactions([SandboxTransaction(
                id: 0, productId: product, email: "\(name)@example.com", wpUsername: name, tradingviewUsername: name,
                status: "complete", createdAt: Date(), expiresAt: nil)])
            guard let id = ids.first else { throw BenchError("the sandbox did not say which id it gave the purchase") }
            let body = Data(#"{"event":"transaction-completed","type":"transaction","data":{"id":"\#(id)"}}"#.utf8)
            let start = ContinuousClock.now
            let response = try await http.send(HTTPRequest(method: "POST", url: base + "/webhooks/memberpress",
                                                           headers: [("MEMBERPRESS-WEBHOOK-KEY", key), ("Content-Type", "application/json")],
                                                           body: body))
            guard response.status == 200 else { throw BenchError("webhook answered HTTP \(response.status)") }
            try await benchWait(seconds: 30) {
                try await sandbox.snapshot().writes.contains { $0.username == name && $0.pineId == script }
            }
            latencies.append((ContinuousClock.now - start).seconds)
        }
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        table.add("daemon: webhook payment -> access, \(latencies.count) purchases at \(latencyMs) ms: p50",
                  String(format: "%.3fs", pct(0.5)), "", nil)
        table.add("daemon: webhook payment -> access: p99", String(format: "%.3fs (polling: every %d min)", pct(0.99),
                                                                   (try? ConfigLoader.load(path: path, environment: [:]).scheduler.intervalMinutes) ?? 15),
                  "< 2s", pct(0.99) < 2)

        try await sandbox.setFaults(Faults())
        let idle = try await daemon.idleCPU(seconds: 3)
        table.add("daemon: idle CPU over 3 s", String(format: "%.2f%%", idle * 100), "< 1%", idle < 0.01)
        table.add("daemon: resident memory", String(format: "%.0f MB", daemon.residentMB()), "", nil)
    }

}

/// Polls `condition` every `every` until it holds, or throws after `seconds` (the bench's daemon rows).
func benchWait(seconds: Double, every: Duration = .milliseconds(5), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: every)
    }
    throw BenchError("timed out after \(seconds) s")
}

/// `access-console daemon` as a child process on a free port, announced by its `daemon.listening` event.
// unchecked: `Process` is not Sendable; `output` is guarded by `lines`, `port` is set before the value is shared.
final class BenchDaemonProcess: @unchecked Sendable {
    let process = Process()
    private(set) var port = 0
    private let lines = NSLock()
    private var output = Data()

    static func start(config: String, startupSync: Bool = false) async throws -> BenchDaemonProcess {
        let d = BenchDaemonProcess()
        d.process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        d.process.arguments = ["daemon", "--config", config, "--listen", "127.0.0.1:0"] + (startupSync ? [] : ["--no-startup-sync"])
        let pipe = Pipe()
        d.process.standardOutput = pipe
        d.process.standardError = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            d.lines.withLock { d.output.append(data) }
        }
        try d.process.run()
        for _ in 0..<400 {
            let text = d.lines.withLock { String(decoding: d.output, as: UTF8.self) }
            if let line = text.split(separator: "\n").first(where: { $0.contains("\"daemon.listening\"") }),
               let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
               let port = ((obj["fields"] as? [String: Any])?["port"] as? String).flatMap(Int.init) {
                d.port = port
                return d
            }
            if !d.process.isRunning { throw BenchError("the daemon exited at start") }
            try await Task.sleep(for: .milliseconds(50))
        }
        d.stop()
        throw BenchError("the daemon did not listen within 20 s")
    }

    /// Share of one core used over `seconds` of doing nothing (utime + stime from /proc).
    func idleCPU(seconds: Double) async throws -> Double {
        let before = cpuTicks()
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        let ticks = Double(cpuTicks() - before)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK))) / seconds
    }

    func residentMB() -> Double {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let kb = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?
            .split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
        return kb / 1024
    }

    private func cpuTicks() -> Int {
        let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
        // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
