import AccessCore
import AccessSandbox
import Foundation
import Testing

/// Issue 20.6 through the binary: a snapshot changed by one digit is refused with exit 5 naming the file
/// and `store repair`; repair sets it aside and says to rebuild; rebuild starts the script again.
@Suite struct SnapshotDamageCLITests {
    @Test func aChangedDigitIsRefusedRepairSetsItAsideRebuildStartsAgain() async throws {
        try await withDaemon(start: false) { (d: DaemonHarness) async throws in
            let (syncStatus, syncText) = try #require(try await runBinary(["sync", "--config", d.configPath]))
            #expect(syncStatus <= 1, "\(syncText)")
            let script = "PUB;7d3c1e9a0b2f4c6d8e1f2a3b4c5d6e7f"
            let folder = d.dir.appendingPathComponent("masterData")
            // Fold the journal into the snapshot, so the users are in it.
            let store = try ScriptStore.open(directory: folder, scriptId: script)
            try store.compact()
            store.close()
            let path = store.snapshotPath
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let year = try #require(text.range(of: #""expiry":"20[0-9][0-9]-"#, options: .regularExpression))
            let digit = text.index(year.upperBound, offsetBy: -2)
            var changed = text
            changed.replaceSubrange(digit...digit, with: text[digit] == "9" ? "8" : "9")
            try changed.write(toFile: path, atomically: true, encoding: .utf8)

            for args in [["export", "--all", "--config", d.configPath], ["sync", "--config", d.configPath]] {
                let (status, out) = try #require(try await runBinary(args))
                #expect(status == 5, "\(args[0]): \(out)")
                #expect(out.contains(path) && out.contains("checksum") && out.contains("store repair --script '\(script)'"),
                        "\(args[0]): \(out)")
            }
            let (repairStatus, repairText) = try #require(try await runBinary(["store", "repair", "--script", script, "--config", d.configPath]))
            #expect(repairStatus == 0, "\(repairText)")
            #expect(repairText.contains("damaged-snapshot") && repairText.contains("store rebuild"), "\(repairText)")
            let (closedStatus, closedText) = try #require(try await runBinary(["sync", "--config", d.configPath]))
            #expect(closedStatus == 5 && closedText.contains("store rebuild --script '\(script)'"), "\(closedText)")
            let (rebuildStatus, rebuildText) = try #require(try await runBinary(["store", "rebuild", "--script", script, "--config", d.configPath]))
            #expect(rebuildStatus <= 1, "\(rebuildText)")
            let (againStatus, againText) = try #require(try await runBinary(["export", "--all", "--config", d.configPath]))
            #expect(againStatus == 0, "\(againText)")
        }
    }
}
