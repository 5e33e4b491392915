import AccessCore
import Foundation
import Testing

/// Issue 20.2 through the binary: `config check` exits 2 and lists every problem a later command would
/// refuse or ignore; a warning alone leaves it at 0.
@Suite struct ConfigCheckCommandTests {
    func edit(_ daemon: DaemonHarness, _ change: (inout [String: Any]) -> Void) throws {
        let url = URL(fileURLWithPath: daemon.configPath)
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        change(&doc)
        try JSONSerialization.data(withJSONObject: doc).write(to: url)
    }

    @Test func everyProblemAtOnceAndWarningsDoNotFail() async throws {
        try await withDaemon(start: false) { (daemon: DaemonHarness) async throws in
            let (okStatus, okText) = try await daemon.cli(["config", "check"])
            #expect(okStatus == 0, "\(okText)")
            try edit(daemon) { doc in
                var server = doc["server"] as! [String: Any]
                server["listen"] = "0.0.0.0:8787"
                doc["server"] = server
            }
            let (warnStatus, warnText) = try await daemon.cli(["config", "check"])
            #expect(warnStatus == 0 && warnText.contains("warning: ") && warnText.contains("server.listen"), "\(warnText)")
            try edit(daemon) { doc in
                var server = doc["server"] as! [String: Any]
                server["api_token"] = ["env": "NO_SUCH_API_TOKEN_VAR"]
                server["webhook_key"] = ["value": "short"]
                doc["server"] = server
                doc["console"] = ["keys": ["grnat": "G", "grant": "q"]]
            }
            let (status, text) = try await daemon.cli(["config", "check"])
            #expect(status == 2, "\(text)")
            for expected in ["server.api_token: environment variable NO_SUCH_API_TOKEN_VAR is not set",
                             "server.webhook_key: only 5 characters", "unknown action \"grnat\"", "q would do both",
                             "4 problems to fix"] {
                #expect(text.contains(expected), "\(expected): \(text)")
            }
            #expect(!text.contains("\"short\""), "a secret is never echoed")
        }
    }
}
