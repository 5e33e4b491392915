import AccessCore
import ArgumentParser
import Foundation

/// Exit codes every headless command shares (documented in the README). Commands' outcomes map to
/// them in one place: `OutcomeStatus.exitCode` in Core.
enum ExitStatus: Int32 {
    case done = 0, queued = 1, badInput = 2, sessionStale = 3, locked = 4
    /// The work could not be done and nothing queued it: a service unreachable, master data damaged or
    /// unwritable (disk full). Distinct from 1, which means "done, some items wait in a queue".
    case failed = 5

    init(_ outcome: OutcomeStatus) { self = ExitStatus(rawValue: outcome.exitCode) ?? .failed }
}

@main
struct AccessConsoleMain {
    static func main() async {
        do {
            var command = try AccessConsoleCommand.parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
            exit(ExitStatus.done.rawValue)
        } catch let exit as CommandExit {
            Foundation.exit(exit.status.rawValue)
        } catch {
            // ArgumentParser's own errors (help, bad flags): print its message; bad arguments exit 2, not 64.
            let code = AccessConsoleCommand.exitCode(for: error)
            let message = AccessConsoleCommand.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            FileHandle.standardError.write(Data((message.isEmpty ? "error: \(error)" : message).utf8 + [10]))
            exit(ExitStatus.badInput.rawValue)
        }
    }
}

/// Thrown by commands that have printed their own outcome and want a specific exit status.
struct CommandExit: Error {
    let status: ExitStatus
}

struct AccessConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access-console",
        abstract: "Keeps TradingView invite-only script access in step with MemberPress payments.",
        discussion: """
        Without a subcommand it opens the full-screen console on ./config.json.
        Exit codes: 0 done, 1 done with items queued for retry or review, 2 bad config or arguments,
        3 TradingView session stale, 4 another process holds the sync or script lock, 5 failed (a service
        unreachable, master data damaged or unwritable, or done for some users only): see the error.
        """,
        version: AccessCoreVersion.string,
        subcommands: [
            ConsoleCommand.self, DemoCommand.self, SyncCommand.self, DaemonCommand.self, BatchGrantCommand.self, ExportCommand.self,
            ValidateCommand.self, GrantCommand.self, ExtendCommand.self, RevokeCommand.self, ResyncCommand.self,
            QueueCommand.self, ReviewCommand.self, CookiesCommand.self, ConfigCommand.self, StoreCommand.self,
            SandboxCommand.self, BenchCommand.self, KeysCommand.self, HistoryCommand.self,
        ],
        defaultSubcommand: ConsoleCommand.self
    )
}

struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The config file.")
    var config: String = "config.json"
}
