import AccessCore
import ArgumentParser
import Foundation

/// Exit codes every headless command shares (documented in the README). Commands' outcomes map to
/// them in one place: `OutcomeStatus.exitCode` in Core.
enum ExitStatus: Int32, CaseIterable {
    case done = 0, queued = 1, badInput = 2, sessionStale = 3, locked = 4
    /// The work could not be done and nothing queued it: a service unreachable, master data damaged or
    /// unwritable (disk full). Distinct from 1, which means "done, some items wait in a queue".
    case failed = 5

    init(_ outcome: OutcomeStatus) { self = ExitStatus(rawValue: outcome.exitCode) ?? .failed }

    /// What each code means, from Core's outcome table (docs/ARCHITECTURE.md "Outcomes"): the sentence of
    /// every outcome that exits with it, plus what only the CLI refuses (bad arguments, a bad config).
    static var meanings: [(ExitStatus, String)] {
        allCases.map { code in
            var parts = OutcomeStatus.allCases.filter { $0.exitCode == code.rawValue }.map(\.sentence)
            if code == .badInput { parts.insert("bad config or arguments", at: 0) }
            return (code, parts.joined(separator: "; or: "))
        }
    }

    /// The exit codes as a help section, appended to every command's `--help` (see `main`).
    static var helpText: String {
        "EXIT CODES:\n" + meanings.map { "  \($0.0.rawValue)  \($0.1)" }.joined(separator: "\n")
    }
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
                // Help (of any command, however asked for) ends with the exit codes; `--version` does not.
                let isHelp = message.contains("USAGE: ")
                print(isHelp ? message + "\n\n" + ExitStatus.helpText : message)
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
