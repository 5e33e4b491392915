import AccessCore
import AccessSandbox
import Foundation
import Testing

/// SIGTERM mid-sync, and the stale-session alert episode.
@Suite(.serialized) struct DaemonLifecycleTests {
    @Test func sigtermDuringSyncExitsZeroAndLosesNoWrite() async throws {
        try await withDaemon { (d: DaemonHarness) async throws in
            d.sandbox.setFaults(Faults(latencyMs: 300))
            let (code, _) = try await d.json("POST", "/sync")
            #expect(code == 202)
            _ = try await eventually("a first write on TradingView", timeout: 60) { d.sandbox.snapshot().writes.isEmpty ? nil : true }
            let result = await d.terminate(limit: 30)
            let (status, seconds) = try #require(result, "the daemon did not exit within 30 s of SIGTERM")
            #expect(status == 0)
            #expect(seconds < 25)  // the 20 s bound plus process teardown
            #expect(d.events("daemon.stopped") == 1)
            let file = try #require(DaemonStatusFile.read(directory: d.dir.appendingPathComponent("masterData")))
            #expect(file.stoppedAt != nil && !file.isRunning)
            #expect(file.lastRun?.kind == .sync)
            d.sandbox.setFaults(Faults())
            for script in d.sandboxScripts {
                let (exit, out) = try await d.cli(["resync", "--script", script, "--json"])
                #expect(exit == 0, "resync \(script): \(out)")
                let diff = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
                #expect((diff?["unknownLocal"] as? [Any])?.isEmpty == true, "TradingView has users master data does not know: \(out)")
            }
        }
    }

    @Test func staleSessionAlertsOnceRemindsAndRecovers() async throws {
        try await withDaemon(alerts: true) { (d: DaemonHarness) async throws in
            let start = Date()
            d.setClock(start)
            d.sandbox.setFaults(Faults(sessionExpireAfter: 2))
            #expect(try await d.json("POST", "/sync").0 == 202)
            _ = try await eventually("the stale-session alert on the sink") { d.sandbox.sinkBodies().count == 1 ? true : nil }
            _ = try await eventually("the stale-session alert mail") { opsMail(d).count == 1 ? true : nil }
            #expect(d.sandbox.sinkBodies()[0].contains("URGENT"))
            let (readyCode, ready) = try await d.json("GET", "/ready", token: false)
            #expect(readyCode == 503)
            #expect((ready["reasons"] as? [String])?.contains { $0.hasPrefix("session") } == true)

            // Later, within remind_hours: nothing new. Past it: one reminder.
            d.setClock(start.addingTimeInterval(3 * 3600))
            let ticks = d.events("alert.fired")
            #expect(ticks == 1)
            d.setClock(start.addingTimeInterval(6 * 3600 + 60))
            _ = try await eventually("the reminder") { d.sandbox.sinkBodies().count == 2 ? true : nil }
            #expect(d.sandbox.sinkBodies()[1].contains("still stale"))

            // New cookies through the CLI, as an admin would: recovery.
            d.sandbox.setFaults(Faults())
            d.sandbox.setSession(sessionid: "fresh-sessionid-42", sessionidSign: "fresh-sign-42")
            let (exit, out) = try await d.cli(["cookies", "set"], stdin: "sessionid=fresh-sessionid-42; sessionid_sign=fresh-sign-42\n")
            #expect(exit == 0, "cookies set: \(out)")
            _ = try await eventually("the recovery message") { d.sandbox.sinkBodies().count == 3 ? true : nil }
            #expect(d.sandbox.sinkBodies()[2].contains("Recovered"))
            _ = try await eventually("three alert mails") { opsMail(d).count == 3 ? true : nil }
            #expect(try await d.json("GET", "/ready", token: false).0 == 200)
            let everything = d.sandbox.sinkBodies().joined() + opsMail(d).map(\.data).joined()
            for secret in d.secrets + ["fresh-sessionid-42", "fresh-sign-42"] { #expect(!everything.contains(secret)) }
        }
    }

    @Test func failedRunsInARowAlertOnceAndRecover() async throws {
        try await withDaemon(alerts: true) { (d: DaemonHarness) async throws in
            d.sandbox.setFaults(Faults(errorRate: 1, errorStatus: 503, routes: ["/wp-json/mp/v1/transactions"]))
            // WordPress unreachable: the run is done in part (the CLI exits 5), and the alert counts it as failed.
            #expect(try await d.syncAndWait() == "partial")
            #expect(try await d.syncAndWait() == "partial")
            #expect(d.sandbox.sinkBodies().isEmpty)  // two failures: below failed_runs = 3
            #expect(try await d.syncAndWait() == "partial")
            _ = try await eventually("the failed-runs alert") { d.sandbox.sinkBodies().count == 1 ? true : nil }
            #expect(d.sandbox.sinkBodies()[0].contains("3 sync runs in a row failed"))
            d.sandbox.setFaults(Faults())
            #expect(["done", "queued"].contains(try await d.syncAndWait()))
            _ = try await eventually("the recovery message") { d.sandbox.sinkBodies().count == 2 ? true : nil }
            #expect(d.sandbox.sinkBodies()[1].contains("Recovered"))
            _ = try await eventually("two alert mails") { opsMail(d).count == 2 ? true : nil }
        }
    }

    private func opsMail(_ d: DaemonHarness) -> [AccessSandbox.MailMessage] {
        d.sandbox.snapshot().mail.filter { $0.to.contains { $0.contains("ops@example.com") } }
    }
}

extension DaemonHarness {
    var sandboxScripts: [String] {
        [DemoSeed.alphaTrendSuite, DemoSeed.momentumPro, DemoSeed.volumeRadar, DemoSeed.lifetimeToolkit]
    }
}
