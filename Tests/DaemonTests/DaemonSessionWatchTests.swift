import AccessCore
import AccessSandbox
import Foundation
import Testing

/// Issue 18, "What was seen" 2: the session went stale while nobody bought anything, and nobody knew.
@Suite(.serialized) struct DaemonSessionWatchTests {
    @Test func staleSessionWithNothingBoughtAlertsAnd503sThenCookiesEndItWithARun() async throws {
        try await withDaemon(alerts: true, sessionCheckMinutes: 0.005) { (d: DaemonHarness) async throws in
            _ = try await eventually("a first session check") { () -> Bool? in
                let session = try await d.status()["session"] as? [String: Any]
                return session?["watch_next_check"] is String ? true : nil
            }
            // The watch's last and next check in the status file the console reads, and in /status.
            let file = try await eventually("the status file's last check") { () -> DaemonStatusFile? in
                guard let f = DaemonStatusFile.read(directory: d.dir.appendingPathComponent("masterData")), f.watchLastCheck != nil else { return nil }
                return f
            }
            // (The file keeps whole seconds: at this test's 0.3 s interval both may fall in one.)
            #expect(file.watchNextCheck.map { $0 >= file.watchLastCheck! } == true)
            #expect(((try await d.status())["session"] as? [String: Any])?["watch_last_check"] is String)
            #expect(try await d.json("GET", "/ready", token: false).0 == 200)
            #expect(d.sandbox.sinkBodies().isEmpty)

            // Stale on TradingView's own clock; no purchase, no run.
            d.sandbox.setFaults(Faults(sessionExpireAfterSeconds: 0))
            _ = try await eventually("the stale-session alert on the sink") { d.sandbox.sinkBodies().count == 1 ? true : nil }
            #expect(d.sandbox.sinkBodies()[0].contains("URGENT"))
            let (readyCode, ready) = try await d.json("GET", "/ready", token: false)
            #expect(readyCode == 503)
            #expect((ready["reasons"] as? [String])?.contains { $0.hasPrefix("session") } == true)
            #expect(d.sandbox.snapshot().writes.isEmpty)
            #expect(d.sandbox.snapshot().calls["/pine_perm/list_users/"] == nil, "no run noticed it: the watch did")
            #expect((try await d.status())["last_run"] is NSNull)

            // New cookies through the CLI: the episode ends and a run goes for what waited.
            d.sandbox.setFaults(Faults())
            d.sandbox.setSession(sessionid: "fresh-sessionid-77", sessionidSign: "fresh-sign-77")
            let (exit, out) = try await d.cli(["cookies", "set"], stdin: "sessionid=fresh-sessionid-77; sessionid_sign=fresh-sign-77\n")
            #expect(exit == 0, "cookies set: \(out)")
            _ = try await eventually("the recovery message") { d.sandbox.sinkBodies().count == 2 ? true : nil }
            #expect(d.sandbox.sinkBodies()[1].contains("Recovered"))
            let trigger = try await eventually("a run the session's return asked for") { () -> String? in
                guard let last = (try await d.status())["last_run"] as? [String: Any], last["outcome"] is String else { return nil }
                return last["trigger"] as? String
            }
            #expect(trigger == "session")
            #expect(try await d.json("GET", "/ready", token: false).0 == 200)
            let everything = d.sandbox.sinkBodies().joined() + d.outputText
            for secret in d.secrets + ["fresh-sessionid-77", "fresh-sign-77"] { #expect(!everything.contains(secret)) }
        }
    }

    /// Issue 20.12: the recovery notice promises "queued grants go out on the next run"; with the watch off
    /// (`session_check_minutes: 0`) nothing started that run before the scheduler's interval.
    @Test func withoutTheWatchTheRecoveryNoticeStartsTheRunItPromises() async throws {
        try await withDaemon(alerts: true, sessionCheckMinutes: 0) { (d: DaemonHarness) async throws in
            d.sandbox.setFaults(Faults(sessionExpireAfter: 2))
            #expect(try await d.json("POST", "/sync").0 == 202)
            _ = try await eventually("the stale-session alert on the sink") { d.sandbox.sinkBodies().count == 1 ? true : nil }
            _ = try await eventually("the stale run's end") { () -> Bool? in
                let status = try await d.status()
                return status["running"] is NSNull && (status["last_run"] as? [String: Any])?["outcome"] is String ? true : nil
            }
            // The stale run wrote nothing that stuck: the purchases wait for the session.
            let writesBefore = d.sandbox.snapshot().writes.count

            d.sandbox.setFaults(Faults())
            d.sandbox.setSession(sessionid: "fresh-sessionid-55", sessionidSign: "fresh-sign-55")
            let (exit, out) = try await d.cli(["cookies", "set"], stdin: "sessionid=fresh-sessionid-55; sessionid_sign=fresh-sign-55\n")
            #expect(exit == 0, "cookies set: \(out)")
            _ = try await eventually("the recovery message") { d.sandbox.sinkBodies().count == 2 ? true : nil }
            #expect(d.sandbox.sinkBodies()[1].contains("queued grants go out on the next run"))
            let trigger = try await eventually("the run the recovery promised") { () -> String? in
                guard let last = (try await d.status())["last_run"] as? [String: Any], last["trigger"] as? String == "session",
                      last["outcome"] is String else { return nil }
                return "session"
            }
            #expect(trigger == "session")
            #expect(d.sandbox.snapshot().writes.count > writesBefore, "the queued grants went out")
            let after = try await d.cli(["queue", "list", "--json"]).1
            #expect(!after.contains("session stale"), "\(after)")
        }
    }
}
