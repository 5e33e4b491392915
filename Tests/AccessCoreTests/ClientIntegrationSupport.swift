import Foundation
@testable import AccessCore
import AccessSandbox

/// Runs `body` against a fresh in-process sandbox on ephemeral ports and always shuts it down.
func withLiveSandbox(_ options: SandboxOptions = SandboxOptions(),
                     _ body: (Sandbox) async throws -> Void) async throws {
    let sandbox = try await Sandbox.start(options)
    do { try await body(sandbox) } catch {
        await sandbox.shutdown()
        throw error
    }
    await sandbox.shutdown()
}

/// The sandbox's default session, as `cookies set` would store it.
let sandboxCookies = SessionCookies(sessionid: SandboxOptions.defaultSessionid,
                                    sessionidSign: SandboxOptions.defaultSessionidSign)

/// Real time, but the retry jitter always takes the full ceiling, so retry waits are predictable.
let fastTiming = RetryTiming(now: RetryTiming.live.now, sleep: RetryTiming.live.sleep, random: { 1 })

/// Decodes a config section from JSON written with the repo's snake_case keys, as config.json holds it.
func decodeConfig<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(text.utf8))
}

/// A TradingView client built the way the product builds it: config.json section -> factory -> libcurl.
/// Retries are fast (2 ms base) and the rate limit is out of the way unless a test asks otherwise.
func makeTradingView(_ sandbox: Sandbox, mode: String = "direct", cookies: SessionCookies? = sandboxCookies,
                     apiKey: String = SandboxOptions.defaultAccessApiKey, maxAttempts: Int = 3,
                     concurrency: Int = 4, transport: (any HTTPTransport)? = nil) throws -> any TradingViewClient & CallCounting {
    let config = try decodeConfig(TradingViewConfig.self, """
    {"mode": "\(mode)", "base_url": "\(sandbox.baseURL)",
     "api_key": {"value": "\(apiKey)"},
     "retries": {"max_attempts": \(maxAttempts), "base_delay_ms": 2, "max_delay_ms": 2000},
     "rate_limit_per_minute": 600000, "concurrency": \(concurrency),
     "timeout_seconds": 5, "connect_timeout_seconds": 2}
    """)
    return try TradingViewClientFactory.make(config: config, cookies: FixedCookies(cookies: cookies),
                                             environment: [:], transport: transport, timing: fastTiming)
}

/// The libcurl transport TradingView uses, wrapped to remember when each exchange began and ended and
/// what it answered: the only way to see from outside that a 429 held back the other callers.
final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    struct Exchange: Sendable {
        var url: String
        var started: Double
        var ended: Double
        var status: Int?
    }

    private let inner: any HTTPTransport
    private let lock = NSLock()
    private var recorded: [Exchange] = []

    init(threads: Int = 4) {
        inner = CurlTransport(options: .init(connectTimeout: 2, timeout: 5, threads: threads, serviceName: "TradingView"))
    }

    var exchanges: [Exchange] { lock.withLock { recorded } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let started = RetryTiming.live.now()
        let response: HTTPResponse
        do { response = try await inner.send(request) } catch {
            record(Exchange(url: request.url, started: started, ended: RetryTiming.live.now(), status: nil))
            throw error
        }
        record(Exchange(url: request.url, started: started, ended: RetryTiming.live.now(), status: response.status))
        return response
    }

    private func record(_ exchange: Exchange) { lock.withLock { recorded.append(exchange) } }
}

/// `error` is the case `expected` names (payloads ignored).
func isCase(_ error: any Error, _ expected: String) -> Bool {
    guard let remote = error as? RemoteError else { return false }
    switch remote {
    case .sessionStale: return expected == "sessionStale"
    case .transient: return expected == "transient"
    case .rejected(let status, _): return expected == "rejected" || expected == "rejected \(status)"
    case .malformed: return expected == "malformed"
    case .notConfigured: return expected == "notConfigured"
    }
}

/// The error `body` throws, or nil when it returns.
func thrownError(_ body: () async throws -> Void) async -> (any Error)? {
    do { try await body(); return nil } catch { return error }
}

/// A whole-second date `days` from now: what survives the ISO-8601 round trip exactly.
func wholeSeconds(daysFromNow days: Double) -> Date {
    Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970 + days * 86_400))
}
