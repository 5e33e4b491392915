import Foundation

/// What the fault switch decided for one request.
enum FaultDecision: Equatable, Sendable {
    case pass
    /// Handle the request, then answer 200 with a body that is not JSON.
    case malformed
    case rateLimited(retryAfterSeconds: Int)
    case reset
    case error(status: Int)
}

extension World {
    mutating func setFaults(_ settings: Faults) {
        faults = FaultState(settings: settings, draws: SplitMix64(seed: settings.seed ?? 0), faultedRequests: 0,
                            dropDraws: SplitMix64(seed: (settings.seed ?? 0) ^ FaultState.dropSalt))
        session.callsBeforeExpiry = settings.sessionExpireAfter
        session.expiresAt = settings.sessionExpireAfterSeconds.map { Date().addingTimeInterval(max($0, 0)) }
    }

    /// Whether the session is expired now, by the call countdown or the clock.
    func sessionIsExpired(at now: Date) -> Bool {
        session.expired || (session.expiresAt.map { now >= $0 } ?? false)
    }

    /// Decides a request's fault and latency. Three draws per faulted request, always in the same order,
    /// so the nth faulted request gets the same fate for the same seed.
    mutating func decideFault(path: String) -> (latencyMs: Int, decision: FaultDecision) {
        let settings = faults.settings
        guard settings.applies(to: path) else { return (0, .pass) }
        faults.faultedRequests += 1
        let resetDraw = faults.draws.unit(), errorDraw = faults.draws.unit(), malformedDraw = faults.draws.unit()
        let latency = max(settings.latencyMs ?? 0, 0)
        if let every = settings.rateLimitEvery, every > 0, faults.faultedRequests % every == 0 {
            return (latency, .rateLimited(retryAfterSeconds: max(settings.retryAfterS ?? 1, 0)))
        }
        if resetDraw < (settings.resetRate ?? 0) { return (latency, .reset) }
        if errorDraw < (settings.errorRate ?? 0) { return (latency, .error(status: settings.errorStatus ?? 502)) }
        if malformedDraw < (settings.malformedRate ?? 0) { return (latency, .malformed) }
        return (latency, .pass)
    }
}

extension Reply {
    static func rateLimited(retryAfterSeconds: Int) -> Reply {
        var reply = Reply.detail(429, "Request was throttled. Expected available in \(retryAfterSeconds) seconds.")
        reply.headers.append(("Retry-After", String(retryAfterSeconds)))
        return reply
    }

    static func injectedError(status: Int) -> Reply {
        .detail(status, "sandbox injected error \(status)")
    }

    /// What a proxy's challenge page looks like: a 200 that is not JSON.
    static let malformed = Reply(
        status: 200,
        body: "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>",
        contentType: "text/html; charset=utf-8")
}
