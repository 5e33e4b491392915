import AccessCore
import ArgumentParser
import Foundation

/// `history --user NAME`: one customer's story (the console's user detail, as text or JSON).
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Print one customer's story: writes and who made them, purchases, mails, fix link, open review and retry items.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The TradingView username (any case).") var user: String
    @Option(help: "Only this script: its pine id, or its title when no other script has it.") var script: String?
    @Flag(help: "JSON instead of a table.") var json = false

    func run() async throws {
        let runtime = try openRuntime(global)
        let script = try resolveScript(self.script, runtime)
        // Each purchase the story names is read from MemberPress: what they entitle, beside what TradingView holds.
        let stories = await runtime.userStories(username: user, script: script, readingPurchases: true)
        if json {
            printJSON(stories)
        } else if stories.isEmpty {
            printError("no script knows \(user): not in master data, the queues or the log")
            throw CommandExit(status: .badInput)
        } else {
            // Line by line: each is sanitized on its own (names and messages are outside text).
            for line in stories.map({ $0.text() }).joined(separator: "\n\n").split(separator: "\n", omittingEmptySubsequences: false) {
                printSafe(String(line))
            }
        }
    }
}
