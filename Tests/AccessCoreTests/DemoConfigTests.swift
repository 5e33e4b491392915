import Foundation
import Testing
@testable import AccessCore

@Suite struct DemoConfigTests {
    /// The demo carries its own config so it runs from any folder; the repository's example config
    /// is the same document, so what the README shows is what the demo runs.
    @Test func theExampleConfigIsTheDemosConfig() throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: ConfigTests.repoConfig))
        let repo = try JSONSerialization.jsonObject(with: file) as? NSDictionary
        let builtIn = try JSONSerialization.jsonObject(with: Data(DemoConfig.json.utf8)) as? NSDictionary
        #expect(repo != nil && repo == builtIn, "config.json and DemoConfig.json differ: copy config.json into DemoConfig.swift")
    }

    @Test func theBuiltInConfigMakesAWorkingWorkspace() throws {
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "demo-config-test")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try DemoWorkspace.prepare(templateConfig: nil, directory: dir,
                                             endpoints: .unreachable,
                                             cookies: nil, environment: [:])
        let runtime = try AppRuntime.open(configPath: path, environment: [:])
        #expect(runtime.config.scriptIds.count == 4)
    }
}
