import AccessCore
import AccessSandbox
import Foundation
import Testing

/// The real `access-console daemon` process, started on a free loopback port against an in-process
/// sandbox, with its own data folder and a config copy pointing at the sandbox.
final class DaemonHarness: @unchecked Sendable {
    static let token = "test-api-token-7f3a"
    static let webhookKey = "test-webhook-key-91c2"

    let sandbox: Sandbox
    let dir: URL
    let configPath: String
    let clockFile: String
    private(set) var process: Process?
    private let output = Lines()
    private(set) var port = 0
    let http = CurlTransport(options: .init(connectTimeout: 5, timeout: 30))

    static var binary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/access-console").path
    }

    static func repoConfig() throws -> [String: Any] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config.json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as! [String: Any]
    }

    /// The address invalid-username mails link to with `fixLinks` (`server.public_base_url`); tests send the
    /// link's path to the daemon's loopback port instead.
    static let publicBaseURL = "https://access.example.test"

    /// `sessionCheckMinutes`: `tradingview.session_check_minutes` (nil: the default, 30 minutes).
    /// `auditHours`, `auditRepair`: `scheduler.audit_hours` and `audit.repair` (nil: the defaults); `edit`: any other config change.
    init(alerts: Bool = false, fixLinks: Bool = false, sessionCheckMinutes: Double? = nil, auditHours: Double? = nil,
         auditRepair: String? = nil, config edit: (inout [String: Any]) -> Void = { _ in }) async throws {
        sandbox = try await Sandbox.start(SandboxOptions(seed: .demo))
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("daemontest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        configPath = dir.appendingPathComponent("config.json").path
        clockFile = dir.appendingPathComponent("clock").path
        var c = try Self.repoConfig()
        func set(_ section: String, _ key: String, _ value: Any) {
            var s = c[section] as? [String: Any] ?? [:]
            s[key] = value
            c[section] = s
        }
        set("wordpress", "base_url", sandbox.baseURL)
        set("tradingview", "base_url", sandbox.baseURL)
        set("tradingview", "rate_limit_per_minute", 60_000)
        set("tradingview", "retries", ["max_attempts": 2, "base_delay_ms": 5, "max_delay_ms": 50])
        set("wordpress", "retries", ["max_attempts": 1, "base_delay_ms": 5, "max_delay_ms": 50])
        set("email", "smtp_url", sandbox.smtpURL)
        set("server", "api_token", ["value": Self.token])
        set("server", "webhook_key", ["value": Self.webhookKey])
        set("server", "max_body_bytes", 65_536)
        // No polling unless a test asks: a poll's sync at its own time would change what a test counts.
        set("scheduler", "poll_seconds", 0)
        if let sessionCheckMinutes { set("tradingview", "session_check_minutes", sessionCheckMinutes) }
        if let auditHours { set("scheduler", "audit_hours", auditHours) }
        if let auditRepair { set("audit", "repair", auditRepair) }
        if fixLinks { set("server", "public_base_url", Self.publicBaseURL) }
        if alerts {
            c["alerts"] = ["email_to": ["ops@example.com"], "webhook_url": sandbox.baseURL + "/__sandbox/sink",
                           "remind_hours": 6, "failed_runs": 3, "review_stale_hours": 8_000]
        } else {
            c["alerts"] = nil
        }
        edit(&c)
        try JSONSerialization.data(withJSONObject: c, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: configPath))
        let vault = CookieVault(directory: dir.appendingPathComponent("vault"), environment: [:])
        try vault.save(SessionCookies(sessionid: SandboxOptions.defaultSessionid, sessionidSign: SandboxOptions.defaultSessionidSign))
        setClock(Date())
    }

    func setClock(_ date: Date) {
        try? String(date.timeIntervalSince1970).write(toFile: clockFile, atomically: true, encoding: .utf8)
    }

    /// Starts the daemon and waits for its `daemon.listening` event.
    func start(extra: [String] = []) async throws {
        output.reset()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["daemon", "--config", configPath, "--listen", "127.0.0.1:0", "--no-startup-sync",
                       "--alert-check-ms", "100", "--clock-file", clockFile] + extra
        var env = ProcessInfo.processInfo.environment
        env["ACCESS_CONSOLE_KEY"] = nil
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        let lines = output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { lines.append(data) }
        }
        await SpawnGuard.fewDescriptors()
        try p.run()
        process = p
        let listening: [String: String]
        do {
            listening = try await eventually("daemon.listening", timeout: 60) { () -> [String: String]? in
                if !p.isRunning { throw HarnessError.exited(self.outputText) }
                return self.event("daemon.listening")
            }
        } catch {
            Issue.record("daemon output: \(outputText)")
            throw error
        }
        port = Int(listening["port"] ?? "") ?? 0
        #expect(port > 0)
    }

    /// The fields of the first JSON event line with this name.
    func event(_ name: String) -> [String: String]? {
        for line in output.containing("\"event\":\"\(name)\"") {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            var out: [String: String] = [:]
            for (k, v) in obj { out[k] = "\(v)" }
            for (k, v) in obj["fields"] as? [String: Any] ?? [:] { out[k] = "\(v)" }
            return out
        }
        return nil
    }

    func events(_ name: String) -> Int { output.containing("\"event\":\"\(name)\"").count }
    var outputText: String { output.text }

    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: Data? = nil) async throws -> (Int, Data) {
        let r = try await http.send(HTTPRequest(method: method, url: "http://127.0.0.1:\(port)\(path)",
                                                headers: headers.map { (name: $0.0, value: $0.1) }, body: body))
        return (r.status, r.body)
    }

    func json(_ method: String, _ path: String, token: Bool = true) async throws -> (Int, [String: Any]) {
        let (status, body) = try await request(method, path, headers: token ? [("Authorization", "Bearer \(Self.token)")] : [])
        return (status, (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:])
    }

    func webhook(_ event: String, id: Any?, key: String? = DaemonHarness.webhookKey) async throws -> Int {
        var data: [String: Any] = ["status": "complete", "amount": "9.00"]
        if let id { data["id"] = id }
        let body = try JSONSerialization.data(withJSONObject: ["event": event, "type": "transaction", "data": data])
        var headers = [("Content-Type", "application/json")]
        if let key { headers.append(("MEMBERPRESS-WEBHOOK-KEY", key)) }
        return try await request("POST", "/webhooks/memberpress", headers: headers, body: body).0
    }

    func status() async throws -> [String: Any] { try await json("GET", "/status").1 }

    /// Asks for a sync and waits until it has finished; returns its outcome.
    func syncAndWait() async throws -> String {
        let (code, body) = try await json("POST", "/sync")
        #expect(code == 202)
        let run = try #require(body["run"] as? Int)
        return try await eventually("run \(run) to finish") { () -> String? in
            guard let last = (try await self.status())["last_run"] as? [String: Any], last["id"] as? Int == run else { return nil }
            return last["outcome"] as? String
        }
    }

    /// SIGTERM, then the exit status and how long it took, or nil when it did not exit within `limit`.
    func terminate(limit: TimeInterval = 30) async -> (Int32, TimeInterval)? {
        guard let p = process, p.isRunning else { return process.map { ($0.terminationStatus, 0) } }
        let start = Date()
        kill(p.processIdentifier, SIGTERM)
        while p.isRunning {
            if Date().timeIntervalSince(start) > limit { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return (p.terminationStatus, Date().timeIntervalSince(start))
    }

    /// Runs the binary once (a CLI command on the same config) and returns its exit status and output.
    /// Runs the CLI on the daemon's config. Its blocking pipe read and wait run on a Dispatch thread, never
    /// on the cooperative pool: the in-process sandbox answers the CLI from that pool, which has one thread
    /// a core (two here), so a blocked pool thread can starve it until the CLI's request times out.
    func cli(_ args: [String], stdin: String? = nil) async throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args + ["--config", configPath]
        let out = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = input
        await SpawnGuard.fewDescriptors()
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                continuation.resume(returning: (p.terminationStatus, text))
            }
        }
    }

    func close() async {
        if let p = process, p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        await sandbox.shutdown()
        try? FileManager.default.removeItem(at: dir)
    }

    /// Secrets that must appear nowhere the daemon writes or answers.
    var secrets: [String] {
        [Self.token, Self.webhookKey, SandboxOptions.defaultSessionid, SandboxOptions.defaultSessionidSign,
         SandboxOptions.defaultMemberpressKey]
    }
}

/// Polls `condition` until it gives a value or `timeout` passes (then the test fails with `what`).
func eventually<T>(_ what: String, timeout: TimeInterval = 20, _ condition: () async throws -> T?) async throws -> T {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if let value = try await condition() { return value }
        try await Task.sleep(for: .milliseconds(25))
    }
    Issue.record("timed out after \(timeout) s waiting for \(what)")
    throw HarnessError.timeout(what)
}

enum HarnessError: Error { case timeout(String), exited(String) }

/// The child's output, split into lines as it arrives.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var partial = Data()
    private var lines: [String] = []
    func append(_ data: Data) {
        lock.withLock {
            partial.append(data)
            while let nl = partial.firstIndex(of: 0x0A) {
                lines.append(String(decoding: partial[partial.startIndex..<nl], as: UTF8.self))
                partial = Data(partial[(nl + 1)...])
            }
        }
    }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
    /// The lines that contain `text`, picked under the lock: a copy read outside it races, for the
    /// thread sanitizer, with the next append that finds the buffer unique (scripts/tsan-cow-repro.swift).
    func containing(_ text: String) -> [String] { lock.withLock { lines.filter { $0.contains(text) } } }
    func reset() { lock.withLock { lines = []; partial = Data() } }
}

/// Runs `body` with a started harness and always cleans up.
func withDaemon(alerts: Bool = false, fixLinks: Bool = false, sessionCheckMinutes: Double? = nil, auditHours: Double? = nil,
                auditRepair: String? = nil, start: Bool = true, config edit: (inout [String: Any]) -> Void = { _ in },
                _ body: (DaemonHarness) async throws -> Void) async throws {
    let h = try await DaemonHarness(alerts: alerts, fixLinks: fixLinks, sessionCheckMinutes: sessionCheckMinutes,
                                    auditHours: auditHours, auditRepair: auditRepair, config: edit)
    do {
        if start { try await h.start() }
        try await body(h)
    } catch {
        await h.close()
        throw error
    }
    await h.close()
}
