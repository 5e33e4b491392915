import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// The daemon's core pieces without HTTP: config sections, webhook parsing, the inbox, alert episodes,
/// the engine's given-transactions run and its stop switch.
@Suite struct ServiceCoreTests {
    let config = ConfigTests()

    @Test func serverAndAlertSectionsAreChecked() throws {
        let example = try ConfigLoader.load(path: ConfigTests.repoConfig, environment: [:])
        #expect(example.server?.listen == "127.0.0.1:8787")
        #expect(example.server?.apiToken?.resolve([:]) == "sandbox-api-token")
        #expect(example.alerts?.remindHours == 6)

        var doc = try config.exampleDoc()
        doc["server"] = ["listen": "localhost", "api_token": ["nothing": 1], "public_base_url": "ftp://x",
                         "max_body_bytes": 10]
        doc["alerts"] = ["email_to": ["not an address"], "webhook_url": "nope", "remind_hours": 0, "failed_runs": "3"]
        let found = config.issues(doc)
        for path in ["server.listen", "server.api_token", "server.public_base_url", "server.max_body_bytes",
                     "alerts.email_to[0]", "alerts.webhook_url", "alerts.remind_hours", "alerts.failed_runs"] {
            #expect(found.contains { $0.contains("config.json: \(path):") }, "no issue for \(path) in \(found)")
        }
        #expect(ServerConfig.hostPort("127.0.0.1:0")! == ("127.0.0.1", 0))
        #expect(ServerConfig.hostPort("[::1]:8787")! == ("::1", 8787))
        #expect(ServerConfig.hostPort("host:99999") == nil)
        #expect(ServerConfig.hostPort("ho st:80") == nil)
    }

    @Test func webhookBodiesAreClassifiedAndHostileOnesRefused() throws {
        func parse(_ s: String) throws -> WebhookDelivery { try WebhookDelivery.parse(Data(s.utf8)) }
        #expect(try parse(#"{"event":"transaction-completed","type":"transaction","data":{"id":"42"}}"#)
                == WebhookDelivery(event: "transaction-completed", kind: .paid, transactionId: "42"))
        #expect(try parse(#"{"event":"renewal-transaction-completed","data":{"id":42}}"#).transactionId == "42")
        #expect(try parse(#"{"event":"transaction-refunded","data":{"id":"7"}}"#).kind == .refunded)
        #expect(try parse(#"{"event":"member-added","data":{}}"#).kind == .other)
        for bad in ["", "{", "[]", #"{"event":5}"#, #"{"event":"transaction-completed"}"#,
                    #"{"event":"transaction-completed","data":{"id":"1 OR 1"}}"#,
                    #"{"event":"transaction-completed","data":{"id":"123456789012345678901"}}"#,
                    #"{"event":"\u001b[31mred","data":{"id":"1"}}"#,
                    String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            #expect(throws: WebhookError.self, "accepted: \(bad)") { try parse(bad) }
        }
        #expect(ConstantTime.equal("secret-key", "secret-key"))
        #expect(!ConstantTime.equal("secret-kex", "secret-key"))
        #expect(!ConstantTime.equal("secret", "secret-key"))
        #expect(!ConstantTime.equal("", ""))
    }

    @Test func inboxKeepsWhatIsNotDoneAcrossReopens() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let paid = WebhookDelivery(event: "transaction-completed", kind: .paid, transactionId: "1")
        do {
            let inbox = try WebhookInbox(directory: dir)
            let a = try inbox.record(paid, transactionId: "1")
            _ = try inbox.record(paid, transactionId: "2")
            inbox.markDone([a.seq], outcome: "applied")
        }
        // A torn last line (a crash mid-append) is ignored.
        let handle = try FileHandle(forWritingTo: dir.appendingPathComponent("webhook-inbox.jsonl"))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":9,"event":"transac"#.utf8))
        try handle.close()
        let reopened = try WebhookInbox(directory: dir)
        #expect(reopened.pendingEntries().map(\.transactionId) == ["2"])
        let next = try reopened.record(paid, transactionId: "3")
        #expect(next.seq > 2)
        reopened.markDone(reopened.pendingEntries().map(\.seq), outcome: "applied")
        #expect(try WebhookInbox(directory: dir).pendingCount == 0)
    }

    @Test func alertEpisodesFireOnceRemindAndRecover() {
        var monitor = AlertMonitor(config: AlertsConfig(remindHours: 6, failedRuns: 3))
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let stale = AlertMonitor.Observation(sessionStale: true, failedRunsInARow: 0, staleReviews: 0)
        let fine = AlertMonitor.Observation(sessionStale: false, failedRunsInARow: 0, staleReviews: 0)
        let first = monitor.evaluate(stale, now: t0)
        #expect(first.map(\.phase) == [.fired])
        #expect(first[0].urgent && first[0].kind == .sessionStale)
        #expect(monitor.evaluate(stale, now: t0.addingTimeInterval(60)).isEmpty)
        #expect(monitor.evaluate(stale, now: t0.addingTimeInterval(5 * 3600)).isEmpty)
        #expect(monitor.evaluate(stale, now: t0.addingTimeInterval(6 * 3600)).map(\.phase) == [.reminder])
        #expect(monitor.evaluate(stale, now: t0.addingTimeInterval(7 * 3600)).isEmpty)
        let end = monitor.evaluate(fine, now: t0.addingTimeInterval(8 * 3600))
        #expect(end.map(\.phase) == [.recovered])
        #expect(!end[0].urgent)
        #expect(monitor.evaluate(fine, now: t0.addingTimeInterval(9 * 3600)).isEmpty)

        let failing = AlertMonitor.Observation(sessionStale: false, failedRunsInARow: 2, staleReviews: 0)
        #expect(monitor.evaluate(failing, now: t0).isEmpty)
        var three = failing
        three.failedRunsInARow = 3
        #expect(monitor.evaluate(three, now: t0).map(\.kind) == [.failedRuns])
        let reviews = AlertMonitor.Observation(sessionStale: false, failedRunsInARow: 0, staleReviews: 2)
        #expect(monitor.evaluate(reviews, now: t0).map(\.phase) == [.recovered, .fired])
    }

    @Test func unverifiedWritesAlertWhileTheirReviewsWait() {
        var monitor = AlertMonitor(config: AlertsConfig(remindHours: 6, failedRuns: 3))
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let lost = AlertMonitor.Observation(sessionStale: false, failedRunsInARow: 0, staleReviews: 0, unverifiedWrites: 2)
        let fired = monitor.evaluate(lost, now: t0)
        #expect(fired.map(\.kind) == [.unverifiedWrites] && fired.map(\.phase) == [.fired])
        #expect(fired[0].text.contains("2 purchases"))
        #expect(monitor.evaluate(lost, now: t0.addingTimeInterval(60)).isEmpty)
        var resolved = lost
        resolved.unverifiedWrites = 0
        #expect(monitor.evaluate(resolved, now: t0.addingTimeInterval(120)).map(\.phase) == [.recovered])
    }

    @Test func givenTransactionsApplyOnceAndLeaveThePollMarker() async throws {
        try await withRig { rig in
            let ids = rig.sandbox.addTransactions([SandboxTransaction(
                id: 0, productId: 101, email: "hook@example.com", wpUsername: "hook", tradingviewUsername: "AlgoAlex",
                status: "complete", createdAt: rig.clock.now, expiresAt: nil)])
            guard case .found(let t) = try await rig.source.transaction(id: "\(ids[0])") else {
                Issue.record("the sandbox did not answer the transaction"); return
            }
            #expect(try await rig.source.transaction(id: "99999999") == .notFound)
            // A first run (the history compared with TradingView) has happened, as on a running daemon; the
            // hook's purchase is newer than what it read.
            let sold = try await rig.actions.apply(transactions: [])
            #expect(sold.adopted > 0)
            let marker = try rig.masterData(TestRig.alpha).lastProcessedAt
            let writes = rig.sandbox.snapshot().writes.count
            rig.clock.advance(60)
            let later = rig.sandbox.addTransactions([SandboxTransaction(
                id: 0, productId: 101, email: "hook2@example.com", wpUsername: "hook2", tradingviewUsername: "BlueChipBob",
                status: "complete", createdAt: rig.clock.now, expiresAt: nil)])
            guard case .found(let t2) = try await rig.source.transaction(id: "\(later[0])") else {
                Issue.record("the sandbox did not answer the transaction"); return
            }
            let first = try await rig.actions.apply(transactions: [t2, t2])
            #expect(first.granted + first.extended == 1)
            let again = try await rig.actions.apply(transactions: [t2, t])
            #expect(again.granted + again.extended == 0)
            #expect(rig.sandbox.snapshot().writes.count == writes + 1)
            #expect(try rig.masterData(TestRig.alpha).processedTransactions.isSuperset(of: [t.id, t2.id]))
            #expect(try rig.masterData(TestRig.alpha).lastProcessedAt == marker, "given purchases leave the poll's marker")
        }
    }

    @Test func aStoppedEngineSendsNoWriteAndKeepsThePurchasesForLater() async throws {
        try await withRig { rig in
            rig.actions.engine.requestStop()
            let summary = try await rig.actions.sync()
            #expect(summary.granted + summary.extended + summary.revoked == 0)
            #expect(rig.sandbox.snapshot().writes.isEmpty)
            for script in rig.scriptIds {
                let state = try rig.masterData(script)
                #expect(state.lastProcessedAt == nil)
                #expect(state.openIntents.isEmpty)
            }
        }
    }
}
