import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// Without webhooks, the daemon's poll of MemberPress's newest purchase turns a purchase into access
/// within the poll period, not at the next interval (the interval here is the config's 15 minutes).
@Suite(.serialized) struct DaemonPollTests {
    @Test func withoutWebhooksAPurchaseIsPolledInWithinThePeriod() async throws {
        try await withDaemon(start: false) { d in
            let url = URL(fileURLWithPath: d.configPath)
            var c = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            var scheduler = c["scheduler"] as! [String: Any]
            scheduler["poll_seconds"] = 1
            c["scheduler"] = scheduler
            var server = c["server"] as! [String: Any]
            server["webhook_key"] = nil   // webhooks closed: polling is the only way in
            c["server"] = server
            try JSONSerialization.data(withJSONObject: c).write(to: url)
            try await d.start()
            _ = try await d.syncAndWait()   // the first run, as on a daemon that has long been running

            #expect(d.sandbox.addAccount("PolledPat"))
            let ids = d.sandbox.addTransactions([SandboxTransaction(
                id: 0, productId: 101, email: "pat@example.com", wpUsername: "pat", tradingviewUsername: "PolledPat",
                status: "complete", createdAt: Date(), expiresAt: AccessTerm.months(1).expiry(from: Date()))])
            #expect(ids.count == 1)
            _ = try await eventually("the poll's sync to grant PolledPat", timeout: 30) { () -> Bool? in
                d.sandbox.snapshot().writes.contains { $0.username == "PolledPat" } ? true : nil
            }
            _ = try await eventually("the poll's run to end", timeout: 30) { () -> Bool? in
                let status = try await d.status()
                let last = status["last_run"] as? [String: Any]
                return status["running"] is NSNull && last?["trigger"] as? String == "poll" ? true : nil
            }
            // Idle: one small listing call per period, no sync.
            let calls = d.sandbox.snapshot().calls["/wp-json/mp/v1/transactions"] ?? 0
            let runs = d.events("sync.start")
            _ = try await eventually("three more polls", timeout: 30) { () -> Bool? in
                (d.sandbox.snapshot().calls["/wp-json/mp/v1/transactions"] ?? 0) >= calls + 3 ? true : nil
            }
            #expect(d.events("sync.start") == runs, "nothing bought: no sync")
        }
    }
}
