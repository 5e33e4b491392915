import AccessCore
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

/// `--script` by title through the binary: the same run as by id; an unknown one exits 2 in one line.
@Suite struct ScriptByTitleCLITests {
    @Test func aUniqueTitleWorksLikeTheId() async throws {
        try await withDaemon(start: false) { (d: DaemonHarness) async throws in
            let (byId, idText) = try #require(try await runBinary(["export", "--script", "PUB;1a2b3c4d5e6f708192a3b4c5d6e7f809", "--config", d.configPath]))
            let (byTitle, titleText) = try #require(try await runBinary(["export", "--script", "momentum pro", "--config", d.configPath]))
            #expect(byId == 0 && byTitle == 0, "\(idText)\n\(titleText)")
            #expect(titleText == idText)
            let (unknown, text) = try #require(try await runBinary(["history", "--user", "x", "--script", "Nope", "--config", d.configPath]))
            #expect(unknown == 2)
            #expect(text.hasPrefix("error: --script: no configured script has the id or title \"Nope\"; configured: 'PUB;")
                    && text.split(separator: "\n").count == 1, "\(text)")
        }
    }
}

/// The listing commands through the binary: JSON lines in a pipe, a table with a header row at a terminal
/// (a pty from `script`).
@Suite struct ListingOutputCLITests {
    func atATerminal(_ command: [String]) async throws -> String {
        let (status, text) = try #require(try await runBinaryAtATerminal(command))
        #expect(status == 0, "\(text)")
        return text
    }

    @Test func aPipeGetsJsonLinesATerminalATable() async throws {
        try await withDaemon(start: false) { (d: DaemonHarness) async throws in
            let (syncStatus, syncText) = try #require(try await runBinary(["sync", "--config", d.configPath]))
            #expect(syncStatus == 1, "the demo has names for review: \(syncText)")
            let (status, piped) = try #require(try await runBinary(["review", "list", "--config", d.configPath]))
            #expect(status == 0)
            let lines = piped.split(separator: "\n").map(String.init)
            #expect(!lines.isEmpty)
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["scriptId"] is String && object?["id"] is String, "\(line)")
            }
            let table = try await atATerminal(["review", "list", "--config", d.configPath]).split(separator: "\n").map(String.init)
            #expect(table.first?.hasPrefix("SCRIPT ") == true && table.first?.contains("REASON") == true, "\(table)")
            #expect(table.count == lines.count + 2 && table.last == "\(lines.count) waiting for review", "\(table)")
            let json = try await atATerminal(["review", "list", "--json", "--config", d.configPath])
            #expect(json.split(separator: "\n").map(String.init) == lines)
        }
    }
}
