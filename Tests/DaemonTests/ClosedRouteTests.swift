@testable import AccessCore
@testable import AccessDaemon
import Foundation
import Testing

/// Issue 20.2: the daemon says, one warning per route, which routes it keeps closed and why.
@Suite struct ClosedRouteTests {
    @Test func eachClosedRouteIsNamedWithItsCause() {
        let server = ServerConfig(apiToken: SecretRef(env: "ACCESS_CONSOLE_API_TOKEN"), webhookKey: nil)
        let closed = ClosedRoute.all(server: server, environment: [:])
        #expect(closed.map(\.message) == [
            "/status and /sync stay closed (401): server.api_token names the environment variable ACCESS_CONSOLE_API_TOKEN, which is not set",
            "/webhooks/memberpress stay closed (401): server.webhook_key is not set in the config",
        ])
        let open = ClosedRoute.all(server: server, environment: ["ACCESS_CONSOLE_API_TOKEN": "a-token-long-enough-123"])
        #expect(open.map(\.routes) == ["/webhooks/memberpress"])
        #expect(ClosedRoute.all(server: nil, environment: [:]).count == 2)
    }

    @Test func theDaemonLogsAWarningPerClosedRoute() async throws {
        try await withDaemon(start: false) { (daemon: DaemonHarness) async throws in
            let url = URL(fileURLWithPath: daemon.configPath)
            var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            var server = doc["server"] as! [String: Any]
            server["webhook_key"] = ["env": "NO_SUCH_WEBHOOK_KEY_VAR"]
            doc["server"] = server
            try JSONSerialization.data(withJSONObject: doc).write(to: url)
            try await daemon.start()
            let warning = try await eventually("the closed-route warning", timeout: 30) { () -> String? in
                daemon.outputText.split(separator: "\n").first { $0.contains("/webhooks/memberpress stay closed") }.map(String.init)
            }
            #expect(warning.contains("NO_SUCH_WEBHOOK_KEY_VAR") && warning.contains("\"level\":\"warning\""))
            #expect(!daemon.outputText.contains("/status and /sync stay closed"), "the api token is set")
        }
    }
}
