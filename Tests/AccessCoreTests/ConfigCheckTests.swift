import Foundation
import Testing
@testable import AccessCore

/// Issue 20.2: `config check` refuses what the program would later refuse or quietly ignore: unknown and
/// duplicate keys anywhere, secrets the environment does not supply, a bad vault key, a vault that does not
/// decrypt, short server secrets, a data folder that takes no files; an exposed listen address is a warning.
@Suite struct ConfigCheckTests {
    let base = ConfigTests()

    /// A config in a temp folder (its paths relative to it), loaded, and `config check`'s findings.
    func findings(_ edit: (inout [String: Any]) -> Void = { _ in }, env: [String: String] = [:],
                  in dir: TempDir) throws -> [ConfigFinding] {
        var doc = try base.exampleDoc()
        edit(&doc)
        let path = dir.path("config.json")
        try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: path))
        let config = try ConfigLoader.load(path: path, environment: env)
        return ConfigCheck.findings(config: config, configPath: path, environment: env)
    }

    func errors(_ found: [ConfigFinding]) -> [String] { found.filter { $0.severity == .error }.map(\.description) }

    @Test func serverAndAlertsTyposAreUnknownKeys() throws {
        var doc = try base.exampleDoc()
        ConfigStrictnessTests.set(&doc, ["server", "api_tokn"], ["value": "0123456789abcdef0123"])
        ConfigStrictnessTests.set(&doc, ["alerts", "remind_hour"], 3)
        let issues = base.issues(doc)
        #expect(issues.contains { $0.contains("server.api_tokn: unknown key") }, "\(issues)")
        #expect(issues.contains { $0.contains("alerts.remind_hour: unknown key") }, "\(issues)")
    }

    @Test func aKeyGivenTwiceIsNamedWithItsLine() throws {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: ConfigTests.repoConfig)), as: UTF8.self)
        // A second "server" section at the end, and a title given twice inside a product.
        let twice = text.replacingOccurrences(of: "\"title\":", with: "\"title\": \"first\", \"title\":", options: [], range: text.range(of: "\"title\":"))
        let last = twice.range(of: "}", options: .backwards)!
        let doubled = twice.replacingCharacters(in: last, with: ",\n\"server\": {\"listen\": \"127.0.0.1:9999\"}\n}")
        do {
            _ = try ConfigLoader.parse(Data(doubled.utf8), file: "config.json")
            Issue.record("a config with a key given twice was accepted")
        } catch let error as ConfigError {
            let lines = error.issues.map(\.description)
            #expect(lines.contains { $0.hasPrefix("config.json: server: given twice (line ") }, "\(lines)")
            #expect(lines.contains { $0.contains(".title: given twice") }, "\(lines)")
        }
    }

    @Test func theCommittedExampleWithItsSecretsSetHasNoError() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let found = try findings(env: ["ACCESS_CONSOLE_KEY": CookieVaultTests.key()], in: dir)
        #expect(errors(found).isEmpty, "\(found)")
    }

    @Test func anUnsetEnvironmentSecretIsAnError() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let found = try findings({ ConfigStrictnessTests.set(&$0, ["server", "api_token"], ["env": "NO_SUCH_TOKEN_VAR"]) }, in: dir)
        #expect(errors(found).contains { $0.hasPrefix("server.api_token: environment variable NO_SUCH_TOKEN_VAR is not set") }, "\(found)")
        let set = try findings({ ConfigStrictnessTests.set(&$0, ["server", "api_token"], ["env": "NO_SUCH_TOKEN_VAR"]) },
                               env: ["NO_SUCH_TOKEN_VAR": "a-long-enough-token-0123456789"], in: dir)
        #expect(!errors(set).contains { $0.contains("server.api_token") }, "\(set)")
    }

    @Test func aShortServerSecretIsAnErrorThatDoesNotEchoIt() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let found = try findings({ ConfigStrictnessTests.set(&$0, ["server", "webhook_key"], ["value": "k"]) }, in: dir)
        let line = errors(found).first { $0.hasPrefix("server.webhook_key: only 1 character, too short") }
        #expect(line != nil, "\(found)")
    }

    @Test func aBadVaultKeyIsAnErrorEvenWithoutCookies() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        for (value, reason) in [("notbase64!", "not valid base64"), ("", "decodes to 0 bytes"), ("AAAA", "decodes to 3 bytes")] {
            let found = try findings(env: ["ACCESS_CONSOLE_KEY": value], in: dir)
            #expect(errors(found).contains { $0.contains("ACCESS_CONSOLE_KEY: \(reason)") }, "\(value): \(found)")
        }
    }

    @Test func aVaultThatDoesNotDecryptIsAnError() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let found0 = try findings(env: ["ACCESS_CONSOLE_KEY": CookieVaultTests.key()], in: dir)
        #expect(found0.contains { $0.severity == .warning && $0.message.contains("no TradingView cookies saved") }, "\(found0)")
        let config = try ConfigLoader.load(path: dir.path("config.json"), environment: [:])
        let vaultDir = config.resolvedPath(config.paths.vault, configPath: dir.path("config.json"))
        try CookieVault(directory: vaultDir, environment: ["ACCESS_CONSOLE_KEY": CookieVaultTests.key()])
            .save(SessionCookies(sessionid: "sessionid-value-1234", sessionidSign: "sign-value-5678"))
        let found = try findings(env: ["ACCESS_CONSOLE_KEY": CookieVaultTests.key()], in: dir)
        #expect(errors(found).contains { $0.hasPrefix("paths.vault: cannot decrypt") }, "\(found)")
    }

    @Test func aDataFolderThatCannotBeMadeIsAnError() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: dir.path("blocker")))
        let found = try findings({ ConfigStrictnessTests.set(&$0, ["paths", "master_data"], "blocker/masterData") },
                                 env: ["ACCESS_CONSOLE_KEY": CookieVaultTests.key()], in: dir)
        #expect(errors(found).contains { $0.hasPrefix("paths.master_data: ") && $0.contains("is a file") }, "\(found)")
    }

    @Test func anExposedListenAddressIsAWarning() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let env = ["ACCESS_CONSOLE_KEY": CookieVaultTests.key()]
        let found = try findings({ ConfigStrictnessTests.set(&$0, ["server", "listen"], "0.0.0.0:80") }, env: env, in: dir)
        #expect(found.contains { $0.severity == .warning && $0.path == "server.listen" && $0.message.contains("/metrics") }, "\(found)")
        let loopback = try findings({ ConfigStrictnessTests.set(&$0, ["server", "listen"], "127.0.0.1:8787") }, env: env, in: dir)
        #expect(!loopback.contains { $0.path == "server.listen" }, "\(loopback)")
    }
}

/// Issue 20.4: a bare file name's folder is the current one (`--csv sheet.csv` wrote the sheet, then
/// failed syncing the folder "").
@Suite struct BareFileNameTests {
    @Test func theFolderOfABareFileNameCanBeSynced() throws {
        try DurableFile.syncDirectory(("sheet.csv" as NSString).deletingLastPathComponent)
    }
}
