import AccessCore
import AccessSandbox
import Foundation
import Testing

/// Issue 20.4 through the binary: relative paths as given, and the vault's real problem named.
@Suite struct OperatorCLITests {
    @Test func batchGrantTakesABareFileName() async throws {
        try await withDaemon(start: false) { (d: DaemonHarness) async throws in
            let dump = try await d.http.send(HTTPRequest(
                method: "GET", url: d.sandbox.baseURL + "/wp-json/mp/v1/transactions?page=1&per_page=1000",
                headers: [(name: "MEMBERPRESS-API-KEY", value: SandboxOptions.defaultMemberpressKey)], body: nil))
            try dump.body.write(to: d.dir.appendingPathComponent("dump.json"))
            try Data("script_id,username,expiration\r\n".utf8).write(to: d.dir.appendingPathComponent("sheet.csv"))
            let result = try await runBinary(["batch-grant", "--transactions", "dump.json", "--csv", "sheet.csv",
                                              "--config", "config.json"], in: d.dir)
            let (status, text) = try #require(result)
            #expect(status <= 1, "\(text)")
            #expect(!text.contains("could not write"), "\(text)")
            let sheet = try String(contentsOf: d.dir.appendingPathComponent("sheet.csv"), encoding: .utf8)
            #expect(sheet.split(separator: "\r\n").count > 1, "the sheet got the granted users: \(sheet)")
        }
    }

    @Test func syncAndCookiesStatusNameTheVaultProblem() async throws {
        try await withDaemon(start: false) { (d: DaemonHarness) async throws in
            let keyFile = d.dir.appendingPathComponent("vault/vault.key").path
            // A key file open to others: refused, and said so.
            chmod(keyFile, 0o644)
            let (syncStatus, syncText) = try #require(try await runBinary(["sync", "--config", d.configPath]))
            #expect(syncStatus == 3, "\(syncText)")
            let line = syncText.split(separator: "\n").first { $0.hasPrefix("error: ") }.map(String.init) ?? ""
            #expect(line.hasPrefix("error: TradingView cookies cannot be used: ") && line.contains("readable by group or others")
                    && line.contains("chmod 600"), "\(syncText)")
            // Another key: the cookies do not decrypt.
            chmod(keyFile, 0o600)
            let other = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() + "\n"
            try Data(other.utf8).write(to: URL(fileURLWithPath: keyFile))
            let (status, text) = try #require(try await runBinary(["cookies", "status", "--config", d.configPath]))
            #expect(status == 3, "\(text)")
            #expect(text.contains("cannot decrypt"), "\(text)")
            let (syncStatus2, syncText2) = try #require(try await runBinary(["sync", "--json", "--config", d.configPath]))
            #expect(syncStatus2 == 3 && syncText2.contains("cannot decrypt"), "\(syncText2)")
        }
    }
}

/// Issue 20.12: `sync --json` prints one object whatever happens, with the error and the error events.
@Suite struct SyncJSONTests {
    func object(_ text: String) -> [String: Any]? {
        for line in text.split(separator: "\n") where line.hasPrefix("{") {
            if let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], o["exitCode"] != nil { return o }
        }
        return nil
    }

    @Test func aHeldLockStillPrintsASummary() async throws {
        try await withDaemon(start: false) { (d: DaemonHarness) async throws in
            let lock = try RunLock.acquire(directory: d.dir.appendingPathComponent("masterData"))
            defer { lock.release() }
            let (status, text) = try #require(try await runBinary(["sync", "--json", "--config", d.configPath]))
            #expect(status == 4, "\(text)")
            let summary = try #require(object(text), "no JSON object on stdout: \(text)")
            #expect(summary["exitCode"] as? Int == 4)
            #expect((summary["error"] as? String)?.contains("\(getpid())") == true, "the error names the holder: \(summary)")
        }
    }

    @Test func aWordPressOutageNamesItsErrors() async throws {
        try await withDaemon(start: false) { (d: DaemonHarness) async throws in
            d.sandbox.setFaults(Faults(errorRate: 1, errorStatus: 503, routes: ["/wp-json"]))
            let (status, text) = try #require(try await runBinary(["sync", "--json", "--config", d.configPath]))
            #expect(status == 5, "\(text)")
            let summary = try #require(object(text), "no JSON object on stdout: \(text)")
            #expect(summary["exitCode"] as? Int == 5)
            let errors = summary["errors"] as? [String] ?? []
            #expect(!errors.isEmpty && errors.contains { $0.contains("503") || $0.lowercased().contains("wordpress") }, "\(summary)")
        }
    }
}
