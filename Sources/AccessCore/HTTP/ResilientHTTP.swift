import Foundation

/// One remote service's HTTP client: retries with backoff and full jitter, Retry-After, a shared rate
/// limit and concurrency cap, and per-endpoint call counts. Create one per service and share it.
///
/// Retrying a request whose answer was lost is safe for every caller we have: TradingView and the
/// access API take absolute expirations (a repeat sets the same value), and the rest are reads.
public final class ResilientHTTP: CallCounting {
    public let serviceName: String
    private let transport: any HTTPTransport
    private let policy: RetryPolicy
    private let gate: RequestGate
    private let timing: RetryTiming
    private let counter = CallCounter()

    public init(serviceName: String, transport: any HTTPTransport, policy: RetryPolicy = RetryPolicy(),
                perMinute: Int? = nil, concurrency: Int = 4, timing: RetryTiming = .live) {
        self.serviceName = serviceName
        self.transport = transport
        self.policy = policy
        self.timing = timing
        self.gate = RequestGate(concurrency: concurrency, perMinute: perMinute, timing: timing)
    }

    public func callCounts() -> [String: Int] { counter.snapshot() }
    public func callSeconds() -> [String: Double] { counter.secondsSnapshot() }

    /// Sends `request`, counted under `endpoint`. Returns the first answer that is not worth retrying
    /// (any 2xx, 3xx or 4xx other than 429). Throws `RemoteError.transient` once retries are spent, or
    /// at once when the server asks for a longer wait than `maxDelay`: the caller queues the work instead.
    /// `priority`: `.chain` for the pages of a paged read, which go before other waiting requests.
    public func send(_ request: HTTPRequest, endpoint: String, priority: RequestPriority = .normal) async throws -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            try await gate.acquire(priority)
            counter.record(endpoint)
            let outcome: Result<HTTPResponse, Error>
            let sent = ContinuousClock.now
            do { outcome = .success(try await transport.send(request)) } catch { outcome = .failure(error) }
            let took = ContinuousClock.now - sent
            counter.record(endpoint, seconds: Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)

            var retryAfter: TimeInterval? = nil
            if case .success(let response) = outcome, RetryPolicy.isRetryable(status: response.status) {
                retryAfter = RetryAfter.parse(response.headers["retry-after"],
                                              now: Date(timeIntervalSinceReferenceDate: timing.now()))
                if response.status == 429 || retryAfter != nil {
                    // The server is throttling the account, not this request: slow every caller. Paused
                    // before the slot is given back, or a waiting caller takes it and sends into the pause.
                    await gate.pause(for: retryAfter ?? policy.ceiling(afterAttempt: attempt))
                }
            }
            await gate.release()

            let failure: String
            switch outcome {
            case .success(let response) where !RetryPolicy.isRetryable(status: response.status):
                return response
            case .success(let response):
                failure = "\(serviceName) \(endpoint) answered HTTP \(response.status)"
            case .failure(let error as RemoteError) where error.isTransient:
                failure = Self.message(of: error)
            case .failure(let error):
                throw error
            }

            if let retryAfter, retryAfter > policy.maxDelay {
                throw RemoteError.transient(failure, retryAfter: retryAfter)
            }
            guard attempt < policy.maxAttempts else {
                throw RemoteError.transient("\(failure) (\(attempt) attempts)", retryAfter: retryAfter)
            }
            try await timing.sleep(retryAfter ?? policy.delay(afterAttempt: attempt, unit: timing.random()))
        }
    }

    private static func message(of error: RemoteError) -> String {
        if case .transient(let detail, _) = error { return detail }
        return error.description
    }
}
