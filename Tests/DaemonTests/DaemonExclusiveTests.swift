import AccessCore
import Foundation
import Testing

/// Issue 20.3: one daemon per data folder, and a bind error that names the address and where it came from.
@Suite struct DaemonExclusiveTests {
    @Test func aSecondDaemonOnTheSameFolderIsRefusedAndLeavesTheStatusAlone() async throws {
        try await withDaemon { (first: DaemonHarness) async throws in
            let firstPid = try #require(first.process?.processIdentifier)
            let result = try await runBinary(["daemon", "--config", first.configPath, "--listen", "127.0.0.1:0", "--no-startup-sync"])
            let (status, text) = try #require(result, "a second daemon on the same data folder kept running")
            #expect(status == 4, "\(text)")
            #expect(text.contains("another daemon (pid \(firstPid)) already runs on this data folder"), "\(text)")
            let file = try #require(DaemonStatusFile.read(directory: first.dir.appendingPathComponent("masterData")))
            #expect(file.pid == firstPid && file.stoppedAt == nil && file.isRunning, "the first daemon's status was overwritten")
        }
    }

    @Test func aBusyPortNamesTheAddressAndTheSetting() async throws {
        try await withDaemon { (first: DaemonHarness) async throws in
            try await withDaemon(start: false) { (second: DaemonHarness) async throws in
                let address = "127.0.0.1:\(first.port)"
                let result = try await runBinary(["daemon", "--config", second.configPath, "--listen", address, "--no-startup-sync"])
                let (status, text) = try #require(result, "a daemon on a busy port kept running")
                #expect(status == 2, "\(text)")
                #expect(text.contains("cannot listen on \(address) (--listen)"), "\(text)")
            }
        }
    }
}
