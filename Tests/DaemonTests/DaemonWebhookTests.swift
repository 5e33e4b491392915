import AccessCore
import AccessSandbox
import Foundation
import Testing

/// Webhook deliveries confirmed through the REST API and applied through the engine: one write per
/// transaction whatever the order, duplicates, or a poll seeing the same purchases.
@Suite(.serialized) struct DaemonWebhookTests {
    static let alpha = DemoSeed.alphaTrendSuite

    @Test func eachKindDuplicatesOutOfOrderAndUnknownIds() async throws {
        try await withDaemon { (d: DaemonHarness) async throws in
            let now = Date()
            for name in ["HookBuyerOne", "HookBuyerTwo", "HookBuyerThree", "HookPending"] { d.sandbox.addAccount(name) }
            func tx(_ name: String, _ status: String, _ ago: TimeInterval) -> SandboxTransaction {
                SandboxTransaction(id: 0, productId: 101, email: "\(name.lowercased())@example.com", wpUsername: name.lowercased(),
                                   tradingviewUsername: name, status: status, createdAt: now.addingTimeInterval(-ago), expiresAt: nil)
            }
            let ids = d.sandbox.addTransactions([
                tx("HookBuyerOne", "complete", 300), tx("HookBuyerTwo", "complete", 200),
                tx("HookBuyerThree", "complete", 120), tx("HookBuyerThree", "complete", 60),
                tx("HookPending", "pending", 30),
            ])
            let (one, two, threeOld, threeNew, pending) = (ids[0], ids[1], ids[2], ids[3], ids[4])
            // Duplicates and out of order: newer first, every id twice, one as a number.
            for (event, id) in [("transaction-completed", "\(two)"), ("renewal-transaction-completed", "\(threeNew)"),
                                ("transaction-completed", "\(one)"), ("recurring-transaction-completed", "\(two)"),
                                ("non-recurring-transaction-completed", "\(threeOld)"), ("transaction-completed", "\(one)")] {
                #expect(try await d.webhook(event, id: id) == 200)
            }
            #expect(try await d.webhook("transaction-completed", id: threeNew) == 200)
            #expect(try await d.webhook("transaction-completed", id: threeOld) == 200)
            #expect(try await d.webhook("transaction-completed", id: "987654321") == 200)   // WordPress has no such id
            #expect(try await d.webhook("transaction-completed", id: "\(pending)") == 200)  // not paid
            #expect(try await d.webhook("subscription-created", id: "1") == 200)            // other: logged only

            try await settled(d)
            func writes(_ name: String) -> [WriteRecord] { d.sandbox.snapshot().writes.filter { $0.username == name } }
            #expect(writes("HookBuyerOne").count == 1)
            #expect(writes("HookBuyerTwo").count == 1)
            // Two purchases: a grant and an extension, or one grant covering both when they were planned together.
            let three = writes("HookBuyerThree")
            #expect((1...2).contains(three.count))
            let until = try #require(three.last?.expiration)
            #expect(until > now.addingTimeInterval(55 * 86_400))
            #expect(writes("HookPending").isEmpty)
            // The first webhook of a fresh install is also the first run: it compares TradingView with the whole
            // history (the seed's purchases), once.
            #expect(d.sandbox.snapshot().writes.filter { $0.username.hasPrefix("Hook") }.count == 2 + three.count)
            #expect(d.events("webhook.unconfirmed") >= 2)
            let counts = try await d.status()["webhooks"] as? [String: Any]
            let paid = (counts?["counts"] as? [String: [String: Int]])?["paid"]
            #expect(paid?["unconfirmed"] == 2)
            #expect(paid?["applied"] == 8)
            let file = try #require(DaemonStatusFile.read(directory: d.dir.appendingPathComponent("masterData")))
            #expect(file.isRunning && file.listen == "127.0.0.1:\(d.port)")
            // The webhook's writes say so in the customer's story (not "sync", not the daemon's own runs).
            let state = try ScriptStore.peek(directory: d.dir.appendingPathComponent("masterData"), scriptId: Self.alpha, detail: .full)
            let hookWrites = ["HookBuyerOne", "HookBuyerTwo"].compactMap { state.user($0)?.history.last { $0.transactionId != nil } }
            #expect(hookWrites.count == 2 && hookWrites.allSatisfy { $0.actor == ActorName.webhook }, "\(hookWrites)")

            // A refund: confirmed, then manual review as in sync; no write.
            let reviewsBefore = try #require((try await d.status()["queues"] as? [String: Int])?["review"])
            let refunded = d.sandbox.addTransactions([tx("HookBuyerOne", "refunded", 10)])[0]
            #expect(try await d.webhook("transaction-refunded", id: "\(refunded)") == 200)
            try await settled(d, applied: 1, kind: "refunded")
            #expect(try await d.status()["queues"] as? [String: Int] == ["retry": 0, "review": reviewsBefore + 1])
            #expect(writes("HookBuyerOne").count == 1)

            // A poll afterwards sees the same purchases and writes nothing more for them.
            let before = d.sandbox.snapshot().writes.count
            let (code, body) = try await d.json("POST", "/sync")
            #expect(code == 202)
            let run = try #require(body["run"] as? Int)
            _ = try await eventually("the poll to finish") { () -> Bool? in
                ((try await d.status())["last_run"] as? [String: Any])?["id"] as? Int == run ? true : nil
            }
            #expect(d.sandbox.snapshot().writes.count == before, "the first run already did the seed's purchases")
            #expect(writes("HookBuyerOne").count == 1)
            #expect(writes("HookBuyerTwo").count == 1)
            #expect(writes("HookBuyerThree").count == three.count)
            for secret in d.secrets { #expect(!d.outputText.contains(secret)) }
        }
    }

    /// WordPress down: the delivery waits in the durable inbox, across a restart, and is applied once after.
    @Test func deliveriesSurviveARestartWhileWordPressIsDown() async throws {
        try await withDaemon { (d: DaemonHarness) async throws in
            d.sandbox.addAccount("HookPatient")
            let id = d.sandbox.addTransactions([SandboxTransaction(
                id: 0, productId: 101, email: "patient@example.com", wpUsername: "patient", tradingviewUsername: "HookPatient",
                status: "complete", createdAt: Date(), expiresAt: nil)])[0]
            d.sandbox.setFaults(Faults(errorRate: 1, errorStatus: 503, routes: ["/wp-json/mp/v1/transactions/"]))
            #expect(try await d.webhook("transaction-completed", id: "\(id)") == 200)
            _ = try await eventually("a failed lookup") { d.events("webhook.lookup_failed") > 0 ? true : nil }
            let stopped = await d.terminate()
            #expect(stopped?.0 == 0)
            #expect(d.sandbox.snapshot().writes.isEmpty)

            d.sandbox.setFaults(Faults())
            try await d.start()
            _ = try await eventually("the grant after the restart") {
                d.sandbox.snapshot().writes.contains { $0.username == "HookPatient" } ? true : nil
            }
            try await settled(d)
            #expect(d.sandbox.snapshot().writes.filter { $0.username == "HookPatient" }.count == 1)
        }
    }

    /// Waits until the inbox is empty and no run is going (and, optionally, `applied` of `kind` counted).
    private func settled(_ d: DaemonHarness, applied: Int? = nil, kind: String = "paid") async throws {
        _ = try await eventually("webhooks to settle") { () -> Bool? in
            let s = try await d.status()
            guard (s["webhooks"] as? [String: Any])?["pending"] as? Int == 0, s["running"] is NSNull else { return nil }
            if let applied {
                let counts = (s["webhooks"] as? [String: Any])?["counts"] as? [String: [String: Int]]
                guard counts?[kind]?["applied"] == applied else { return nil }
            }
            return true
        }
    }
}
