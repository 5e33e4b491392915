import Foundation
import Testing

/// Issue 20, the design step: every command's `--help` lists the exit codes (one table in the CLI's code).
@Suite struct CLIHelpTests {
    /// Every command path of the tool, from ArgumentParser's own description of it.
    func commandPaths() async throws -> [[String]] {
        let (status, text) = try #require(try await runBinary(["--experimental-dump-help"]))
        #expect(status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var paths: [[String]] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            paths.append(path)
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, name != "help" else { continue }
                walk(sub, path + [name])
            }
        }
        walk(try #require(object["command"] as? [String: Any]), [])
        return paths
    }

    @Test func everyCommandsHelpListsTheExitCodes() async throws {
        let paths = try await commandPaths()
        #expect(paths.count > 30, "\(paths)")
        #expect(paths.contains(["store", "repair"]) && paths.contains(["review", "resolve"]))
        for path in paths {
            let (status, text) = try #require(try await runBinary(path + ["--help"]))
            let name = path.isEmpty ? "access-console" : path.joined(separator: " ")
            #expect(status == 0, "\(name): \(text)")
            let lines = text.components(separatedBy: "\n")
            guard let start = lines.firstIndex(of: "EXIT CODES:") else {
                Issue.record("\(name) --help lists no exit codes:\n\(text)")
                continue
            }
            let codes = lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.compactMap { Int($0.split(separator: " ").first ?? "") }
            #expect(codes == [0, 1, 2, 3, 4, 5], "\(name): \(codes)")
        }
        let (_, version) = try #require(try await runBinary(["--version"]))
        #expect(!version.contains("EXIT CODES"))
    }
}
