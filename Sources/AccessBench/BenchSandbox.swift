import AccessCore
import AccessSandbox
import Foundation

/// The sandbox as its own process (`access-console sandbox`), driven through its control routes, for
/// the sync benchmark: a remote service must not share the engine's threads, as an in-process one
/// would (Swift's cooperative pool has one thread per core, and the emulator's handlers would queue
/// behind the engine's work and the engine's behind theirs).
// unchecked: `Process` is not Sendable; every member is a `let` set in init.
final class BenchSandbox: @unchecked Sendable {
    let baseURL: String
    let smtpURL: String
    private let process: Process
    private let http = CurlTransport(options: .init(connectTimeout: 2, timeout: 30, threads: 1, serviceName: "sandbox"))

    /// Starts `access-console sandbox` with a generated data set on free loopback ports.
    static func start(users: Int, transactions: Int) async throws -> BenchSandbox {
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<50_000)
            do { return try await BenchSandbox(port: port, users: users, transactions: transactions) } catch { lastError = error }
        }
        throw lastError ?? BenchError("the sandbox did not start")
    }

    private init(port: Int, users: Int, transactions: Int) async throws {
        baseURL = "http://127.0.0.1:\(port)"
        smtpURL = "smtp://127.0.0.1:\(port + 1)"
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["sandbox", "--port", "\(port)", "--smtp-port", "\(port + 1)",
                             "--users", "\(users)", "--transactions", "\(transactions)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
            if !process.isRunning { throw BenchError("the sandbox on port \(port) exited at start (port taken?)") }
            if (try? await snapshot()) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw BenchError("the sandbox on port \(port) did not answer within 10 s")
    }

    /// A workspace in `directory` (config from `config`, master data, a vault with the sandbox's cookies)
    /// pointed at this sandbox; its config path. `unlimited` lifts the TradingView rate limit, so a row
    /// measures the engine, not the limiter; `edit` changes the config document before it is written.
    func workspace(config: String?, in directory: URL, unlimited: Bool = true,
                   edit: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        try DemoWorkspace.prepare(
            templateConfig: config, directory: directory,
            endpoints: .init(tradingView: baseURL, wordpress: baseURL, smtp: smtpURL),
            cookies: SessionCookies(sessionid: SandboxOptions.defaultSessionid, sessionidSign: SandboxOptions.defaultSessionidSign),
            environment: [:]) { doc in
                if unlimited {
                    var tv = doc["tradingview"] as? [String: Any] ?? [:]
                    tv["rate_limit_per_minute"] = 60000
                    doc["tradingview"] = tv
                }
                edit(&doc)
            }
    }

    func snapshot() async throws -> SandboxState {
        let body = try await call("GET", "/__sandbox/state", nil)
        return try JSONDecoder().decode(SandboxState.self, from: body)
    }

    func setFaults(_ faults: Faults) async throws {
        _ = try await call("POST", "/__sandbox/faults", try JSONEncoder().encode(faults))
    }

    /// Appends WordPress transactions; returns their ids.
    @discardableResult
    func addTransactions(_ records: [SandboxTransaction]) async throws -> [Int] {
        let body = try await call("POST", "/__sandbox/transactions", try JSONEncoder().encode(records))
        return ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["ids"] as? [Int] ?? []
    }

    /// A new TradingView account (201), for buyers nobody has granted anything yet.
    func addAccount(_ username: String) async throws {
        let response = try await http.send(HTTPRequest(method: "POST", url: baseURL + "/__sandbox/accounts",
                                                       headers: [("Content-Type", "application/json")],
                                                       body: try JSONEncoder().encode(["username": username])))
        guard response.status == 201 else { throw BenchError("sandbox POST /__sandbox/accounts: HTTP \(response.status)") }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }

    private func call(_ method: String, _ path: String, _ body: Data?) async throws -> Data {
        let response = try await http.send(HTTPRequest(method: method, url: baseURL + path,
                                                       headers: [("Content-Type", "application/json")], body: body))
        guard response.status == 200 else {
            throw BenchError("sandbox \(method) \(path): HTTP \(response.status) \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
        return response.body
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
