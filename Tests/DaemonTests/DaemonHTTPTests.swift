import AccessCore
import AccessSandbox
import Foundation
import Testing

/// The real daemon process over loopback: health, ready, status, sync, and the webhook route's refusals.
@Suite(.serialized) struct DaemonHTTPTests {
    @Test func healthReadyStatusAndSync() async throws {
        try await withDaemon { (d: DaemonHarness) async throws in
            #expect(try await d.request("GET", "/health").0 == 200)
            let (readyStatus, ready) = try await d.json("GET", "/ready", token: false)
            #expect(readyStatus == 200)
            #expect(ready["ready"] as? Bool == true)

            #expect(try await d.json("GET", "/status", token: false).0 == 401)
            let (wrongStatus, _) = try await d.request("GET", "/status", headers: [("Authorization", "Bearer nope")])
            #expect(wrongStatus == 401)
            let (statusCode, status) = try await d.json("GET", "/status")
            #expect(statusCode == 200)
            #expect(status["queues"] as? [String: Int] != nil)
            #expect((status["session"] as? [String: Any])?["state"] != nil)

            #expect(try await d.json("POST", "/sync", token: false).0 == 401)
            // Slow TradingView so the second request arrives while the first run is going: it joins it.
            d.sandbox.setFaults(Faults(latencyMs: 100))
            let (first, firstBody) = try await d.json("POST", "/sync")
            let (_, secondBody) = try await d.json("POST", "/sync")
            #expect(first == 202)
            let run = try #require(firstBody["run"] as? Int)
            #expect(secondBody["run"] as? Int == run)
            let last = try await eventually("the sync run to finish") { () -> [String: Any]? in
                let s = try await d.status()
                guard let last = s["last_run"] as? [String: Any], last["id"] as? Int == run else { return nil }
                return last
            }
            #expect(last["outcome"] as? String != nil)
            #expect((last["summary"] as? [String: Any])?["granted"] as? Int ?? 0 > 0)
            d.sandbox.setFaults(Faults())

            let (dryCode, dry) = try await d.json("POST", "/sync?dry_run=true")
            #expect(dryCode == 202)
            #expect(dry["dry_run"] as? Bool == true)

            let metrics = String(decoding: try await d.request("GET", "/metrics").1, as: UTF8.self)
            #expect(metrics.contains("accessconsole_writes_total"))
            #expect(metrics.contains("accessconsole_tradingview_calls_total"))
            #expect(metrics.contains("accessconsole_tradingview_call_milliseconds_total{endpoint=\"tv.list_users\"}"))
            #expect(metrics.contains("accessconsole_runs_total"))
            #expect(metrics.contains("accessconsole_session_valid"))
            for secret in d.secrets { #expect(!metrics.contains(secret)) }
        }
    }

    @Test func webhookRefusals() async throws {
        try await withDaemon { (d: DaemonHarness) async throws in
            #expect(try await d.webhook("transaction-completed", id: "1", key: nil) == 401)
            #expect(try await d.webhook("transaction-completed", id: "1", key: "wrong-key") == 401)
            let json = [("MEMBERPRESS-WEBHOOK-KEY", DaemonHarness.webhookKey), ("Content-Type", "application/json")]
            #expect(try await d.request("POST", "/webhooks/memberpress", headers: json, body: Data("{not json".utf8)).0 == 400)
            #expect(try await d.request("POST", "/webhooks/memberpress", headers: json,
                                        body: Data(#"{"event":"transaction-completed","data":{"id":"12; DROP"}}"#.utf8)).0 == 400)
            let deep = Data((String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)).utf8)
            #expect(try await d.request("POST", "/webhooks/memberpress", headers: json, body: deep).0 == 400)
            let big = Data(#"{"event":"transaction-completed","data":{"id":"1","pad":""#.utf8) + Data(repeating: 0x61, count: 70_000)
                + Data(#""}}"#.utf8)
            #expect(try await d.request("POST", "/webhooks/memberpress", headers: json, body: big).0 == 413)
            #expect(try await d.webhook("member-added", id: nil) == 200)
            #expect(try await d.request("GET", "/health").0 == 200)  // still alive
            #expect(d.sandbox.snapshot().writes.isEmpty)
            for secret in d.secrets { #expect(!d.outputText.contains(secret)) }
        }
    }
}
