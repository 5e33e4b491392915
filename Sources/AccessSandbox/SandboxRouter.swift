import Foundation

/// Turns a request into a reply: control routes, fault injection, then the emulators.
/// Independent of the HTTP server so it can be driven directly.
struct SandboxRouter: Sendable {
    let world: Locked<World>
    let seed: SeedData
    let options: SandboxOptions

    init(seed: SeedData, options: SandboxOptions) {
        self.seed = seed
        self.options = options
        world = Locked(World(seed: seed, options: options))
    }

    func reset() {
        let fresh = World(seed: seed, options: options)
        world.withLock { $0 = fresh }
    }

    func handle(_ request: SandboxRequest) async -> Reply {
        if request.path.hasPrefix("/__sandbox/") { return control(request) }
        let arrived = ContinuousClock.now
        let (latencyMs, decision) = world.withLock { world in
            world.countCall(request.path)
            return world.decideFault(path: request.path)
        }
        defer { world.withLock { $0.callAnswered() } }
        // A deadline with no tolerance: the default timer slack would add up to a millisecond a call,
        // and the benchmarks compare wall time against exactly this latency.
        if latencyMs > 0 {
            try? await Task.sleep(until: arrived + .milliseconds(latencyMs), tolerance: .zero, clock: .continuous)
        }
        switch decision {
        case .rateLimited(let seconds): return .rateLimited(retryAfterSeconds: seconds)
        case .reset: return .reset
        case .error(let status): return .injectedError(status: status)
        case .pass, .malformed: break
        }
        let now = Date()
        let reply = world.withLock { $0.route(request, now: now) }
        return decision == .malformed ? .malformed : reply
    }

    private func control(_ request: SandboxRequest) -> Reply {
        switch (request.method, request.path) {
        case ("GET", "/__sandbox/state"): return world.withLock { $0.stateReply() }
        case ("POST", "/__sandbox/faults"): return world.withLock { $0.faultsRoute(request) }
        case ("POST", "/__sandbox/session"): return world.withLock { $0.sessionRoute(request) }
        case ("POST", "/__sandbox/transactions"): return world.withLock { $0.transactionsRoute(request) }
        case ("POST", "/__sandbox/accounts"): return world.withLock { $0.accountsRoute(request) }
        case ("POST", "/__sandbox/memberpress"): return world.withLock { $0.memberPressListingRoute(request) }
        case ("POST", "/__sandbox/transaction-status"): return world.withLock { $0.transactionStatusRoute(request) }
        case ("POST", "/__sandbox/grants"): return world.withLock { $0.grantsRoute(request) }
        case ("POST", "/__sandbox/rename"): return world.withLock { $0.renameRoute(request) }
        case ("POST", "/__sandbox/lose_grants"): return world.withLock { $0.loseGrantsRoute(request) }
        case ("POST", "/__sandbox/sink"):
            return world.withLock { world in
                world.sink.append(String(decoding: request.body, as: UTF8.self))
                return .ok
            }
        case ("GET", "/__sandbox/sink"):
            return world.withLock { .json(200, .array($0.sink.map(JSONValue.string))) }
        case ("POST", "/__sandbox/reset"):
            reset()
            return .ok
        default: return .notFound
        }
    }
}
