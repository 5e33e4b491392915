import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// The resilient HTTP stack under the sandbox's fault switch, through real libcurl.
extension ClientIntegrationTests {
    @Test func serverErrorsEveryTimeEndAsTransientAfterEveryAttempt() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox, maxAttempts: 3)
            sandbox.setFaults(Faults(errorRate: 1.0, errorStatus: 503))
            let error = await thrownError { _ = try await client.grant(scriptId: alpha, username: "RiskRick", expiry: nil) }
            #expect(error.map { isCase($0, "transient") } == true)
            #expect("\(error.map { "\($0)" } ?? "")".contains("3 attempts"))
            let state = sandbox.snapshot()
            #expect(state.calls["/pine_perm/add/"] == 3)
            #expect(client.callCounts()["tv.add"] == 3)
            // Injected errors come before the handler: nothing was written.
            #expect(state.writes.isEmpty)
        }
    }

    @Test func halfTheRequestsFailingStillSucceedsWithRetries() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox, maxAttempts: 8)
            sandbox.setFaults(Faults(errorRate: 0.5, seed: 42))
            let names = ["RiskRick", "AlgoAlex", "PennyPete", "QuantQuinn", "EnergyEli", "MetalsMia"]
            for name in names {
                #expect(try await client.grant(scriptId: alpha, username: name, expiry: nil) == .created)
            }
            let state = sandbox.snapshot()
            let sent = state.calls["/pine_perm/add/"] ?? 0
            #expect(sent > names.count, "seed 42 fails some requests, so some were retried")
            #expect(client.callCounts()["tv.add"] == sent)
            // Each user written exactly once, as a first grant.
            #expect(state.writes.map(\.username) == names)
            #expect(state.writes.allSatisfy { $0.status == 201 })
        }
    }

    @Test func aRateLimitPausesEveryCallerForRetryAfter() async throws {
        try await withLiveSandbox { sandbox in
            let transport = RecordingTransport(threads: 2)
            let client = try makeTradingView(sandbox, concurrency: 2, transport: transport)
            sandbox.setFaults(Faults(rateLimitEvery: 4, retryAfterS: 1))
            let names = ["TraderJoe", "alice_fx", "MoonTrader", "BullishBen", "CryptoKate", "PipHunter"]
            let started = Date()
            let found = try await withThrowingTaskGroup(of: String?.self) { group in
                for name in names { group.addTask { try await client.validate(username: name) } }
                return try await group.reduce(into: [String]()) { if let name = $1 { $0.append(name) } }
            }
            #expect(found.sorted() == names.sorted())
            #expect(Date().timeIntervalSince(started) >= 0.95)

            let exchanges = transport.exchanges
            let throttled = exchanges.filter { $0.status == 429 }
            #expect(throttled.count == 1)
            let pausedAt = try #require(throttled.first).ended
            // Requests already on the wire may finish; none may start during the pause, the retry and
            // the callers that were waiting for a slot included.
            let later = exchanges.filter { $0.started > pausedAt }
            #expect(later.count >= 2)
            #expect(later.allSatisfy { $0.started >= pausedAt + 0.9 },
                    "started \(later.map { $0.started - pausedAt }) s after the 429")
            #expect(sandbox.snapshot().calls["/username_hint/"] == names.count + 1)
        }
    }

    @Test func aRetryAfterLongerThanTheMaxDelayIsHandedBackAtOnce() async throws {
        try await withLiveSandbox { sandbox in
            // max_delay_ms is 2000: a 5 s throttle is queued work for later, not a 5 s wait now.
            let client = try makeTradingView(sandbox, maxAttempts: 3)
            sandbox.setFaults(Faults(rateLimitEvery: 1, retryAfterS: 5))
            let started = Date()
            let error = await thrownError { _ = try await client.grant(scriptId: alpha, username: "RiskRick", expiry: nil) }
            guard case .transient(_, let retryAfter)? = error as? RemoteError else {
                Issue.record("expected a transient error, got \(String(describing: error))")
                return
            }
            #expect(retryAfter == 5)
            #expect(Date().timeIntervalSince(started) < 1)
            #expect(sandbox.snapshot().calls["/pine_perm/add/"] == 1)
            #expect(sandbox.snapshot().writes.isEmpty)
        }
    }

    @Test func connectionResetsEndAsTransient() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox, maxAttempts: 3)
            sandbox.setFaults(Faults(resetRate: 1.0))
            let error = await thrownError { _ = try await client.grant(scriptId: alpha, username: "RiskRick", expiry: nil) }
            #expect(error.map { isCase($0, "transient") } == true)
            #expect(!"\(error.map { "\($0)" } ?? "")".contains(SandboxOptions.defaultSessionid))
            let state = sandbox.snapshot()
            #expect(state.calls["/pine_perm/add/"] == 3)
            #expect(client.callCounts()["tv.add"] == 3)
            #expect(state.writes.isEmpty)
        }
    }

    @Test func aPageThatIsNotJSONIsMalformedAndNotRetried() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox, maxAttempts: 3)
            sandbox.setFaults(Faults(malformedRate: 1.0))
            let validate = await thrownError { _ = try await client.validate(username: "TraderJoe") }
            #expect(validate.map { isCase($0, "malformed") } == true)
            let grant = await thrownError { _ = try await client.grant(scriptId: alpha, username: "RiskRick", expiry: nil) }
            #expect(grant.map { isCase($0, "malformed") } == true)
            let state = sandbox.snapshot()
            #expect(state.calls["/username_hint/"] == 1)
            #expect(state.calls["/pine_perm/add/"] == 1)
            // The write took effect before the garbled answer: the engine must verify, not assume.
            #expect(state.writes.map(\.username) == ["RiskRick"])
        }
    }

    @Test func latencyIsOverlappedUpToTheConcurrencyCap() async throws {
        try await withLiveSandbox { sandbox in
            let client = try makeTradingView(sandbox, concurrency: 4)
            _ = try await client.validate(username: "TraderJoe")  // starts the pool's threads
            // Long enough that the first four are surely held together, whatever the machine's load.
            sandbox.setFaults(Faults(latencyMs: 300))
            let names = ["TraderJoe", "alice_fx", "MoonTrader", "BullishBen", "CryptoKate", "PipHunter", "SwingQueen", "ChartWizard"]
            try await withThrowingTaskGroup(of: String?.self) { group in
                for name in names { group.addTask { try await client.validate(username: name) } }
                for try await found in group { #expect(found != nil) }
            }
            // Seen from the server: calls overlapped, and never more than four at once.
            let held = sandbox.snapshot().maxInFlight
            #expect(held > 1, "the calls went one at a time")
            #expect(held <= 4, "\(held) calls at once past a cap of 4")
        }
    }
}
