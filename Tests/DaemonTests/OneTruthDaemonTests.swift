import AccessCore
import AccessSandbox
import Foundation
import Testing

/// Issue 19 through the real binary: one mode for every entry point, one idea of a usable session, and a
/// customer's fix that waits behind the daemon's own run instead of getting a 503.
@Suite(.serialized) struct OneTruthDaemonTests {
    static let script = DaemonFixLinkTests.bundle[0]

    func setDryRun(_ d: DaemonHarness, _ on: Bool) throws {
        let url = URL(fileURLWithPath: d.configPath)
        var c = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var scheduler = c["scheduler"] as! [String: Any]
        scheduler["dry_run"] = on
        c["scheduler"] = scheduler
        try JSONSerialization.data(withJSONObject: c).write(to: url)
    }

    func state(_ d: DaemonHarness) throws -> ScriptAccess {
        try ScriptStore.peek(directory: d.dir.appendingPathComponent("masterData"), scriptId: Self.script)
    }

    /// Seen: with `scheduler.dry_run: true`, `sync` wrote nothing but `grant`, `extend`, `revoke` and
    /// `review resolve` wrote to TradingView.
    @Test func withConfigDryRunNoEntryPointWritesAndEachSaysSo() async throws {
        try await withDaemon(start: false) { d in
            #expect(d.sandbox.addAccount("DryRunDora"))
            #expect(d.sandbox.addAccount("DryRunFixed"))
            d.sandbox.addTransactions([SandboxTransaction(
                id: 0, productId: 103, email: "typo@example.com", wpUsername: "typo", tradingviewUsername: "DryRunTypo",
                status: "complete", createdAt: Date().addingTimeInterval(-60), expiresAt: nil)])
            let (live, liveOut) = try await d.cli(["sync"])
            #expect(live == 1, "the live run queues the typo for review: \(liveOut.suffix(300))")
            let before = try state(d)
            let review = try #require(before.reviewQueue.values.first { $0.typedName == "DryRunTypo" })
            let someone = try #require(before.users.values.first { $0.expiry.map { $0 > Date() } ?? false })
            let writes = d.sandbox.snapshot().writes.count

            try setDryRun(d, true)
            let commands: [[String]] = [
                ["grant", "--script", Self.script, "--user", "DryRunDora", "--term", "1M"],
                ["extend", "--script", Self.script, "--user", someone.username, "--term", "1M"],
                ["revoke", "--script", Self.script, "--user", someone.username],
                ["review", "resolve", "--script", Self.script, review.id, "--user", "DryRunFixed"],
                ["review", "dismiss", "--script", Self.script, review.id, "--reason", "test"],
                ["resync", "--script", Self.script, "--apply"],
                ["sync"],
            ]
            for args in commands {
                let (code, out) = try await d.cli(args)
                #expect(code == 0 || code == 1, "\(args[0]): \(out.suffix(300))")
                #expect(out.lowercased().contains("dry run") || out.contains("\"dryRun\":true"), "\(args[0]) says it was a dry run: \(out.suffix(300))")
            }
            #expect(d.sandbox.snapshot().writes.count == writes, "nothing reached TradingView")
            let after = try state(d)
            #expect(after.reviewQueue[review.id] != nil, "the review item is still open")
            #expect(after.user("dryrundora") == nil)
            #expect(after.user(someone.username)?.expiry == someone.expiry)
        }
    }

    /// Seen: `accessconsole_session_valid` read 1 with no cookies at all, and a missing vault never raised
    /// the alert.
    @Test func noCookiesIsAnUnusableSessionForMetricsReadinessAndAlerts() async throws {
        try await withDaemon(alerts: true, start: false) { d in
            try FileManager.default.removeItem(at: d.dir.appendingPathComponent("vault"))
            try await d.start(extra: ["--no-startup-sync"])
            let metrics = String(decoding: try await d.request("GET", "/metrics").1, as: UTF8.self)
            #expect(metrics.contains("accessconsole_session_valid 0"), "\(metrics.split(separator: "\n").filter { $0.contains("session") })")
            #expect(try await d.json("GET", "/ready", token: false).0 == 503)
            _ = try await eventually("the urgent alert") { d.sandbox.sinkBodies().first { $0.contains("URGENT") } }
        }
    }

    /// Seen: a customer who posted the fix form while the daemon's own sync ran got 503 "try again", even
    /// for a wrong name. The name is checked first without a lock; a good one waits behind the run.
    @Test func aFixPostedDuringTheDaemonsRunIsAnsweredNotRefused() async throws {
        try await withDaemon(fixLinks: true) { d in
            let fixes = DaemonFixLinkTests()
            #expect(d.sandbox.addAccount("PatientPaula"))
            let links = try await fixes.purchasesWithBadNames(d, [("paula@example.com", "PatientPaulaa")])
            let link = try #require(links["paula@example.com"])
            // A slow WordPress keeps the next run going (its master data held) for a few seconds.
            d.sandbox.setFaults(Faults(latencyMs: 1500, routes: ["/wp-json/mp/v1/transactions"]))
            let (code, body) = try await d.json("POST", "/sync")
            #expect(code == 202)
            let run = try #require(body["run"] as? Int)
            _ = try await eventually("the run to be going") { () -> Bool? in
                ((try await d.status())["running"] as? [String: Any])?["id"] as? Int == run ? true : nil
            }
            var (status, html) = try await fixes.post(d, link, name: "NoSuchPaula", headers: DaemonFixLinkTests.browser)
            #expect(status == 422, "a wrong name is answered at once, the form again with the problem: \(html.prefix(200))")
            #expect(html.contains("has no user named"))
            (status, html) = try await fixes.post(d, link, name: "PatientPaula", headers: DaemonFixLinkTests.browser)
            #expect(status == 200, "the right name waits behind the run: \(html.prefix(200))")
            #expect(html.contains("PatientPaula"))
            d.sandbox.setFaults(Faults())
            #expect(d.sandbox.snapshot().writes.filter { $0.username == "PatientPaula" }.count == 3, "the bundle's three scripts, once each")
        }
    }
}
