import AccessCore
import ArgumentParser
import Foundation

struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "The retry queue: writes that failed for a temporary reason.",
        subcommands: [List.self, Retry.self, Drop.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List retry items of every script: a table at a terminal, one JSON object per line in a pipe or with --json.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "One JSON object per line, also at a terminal.") var json = false
        func run() async throws {
            let runtime = try openRuntime(global)
            let scripts = try await runAction { try runtime.loadScripts(.queues) }
            let items = scripts.flatMap { s in s.retryQueue.values.sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }.map { (s.scriptId, $0) } }
            printListing(json: json, items.map { ScriptItem(scriptId: $0.0, item: $0.1) }, table: ListingTable.retryRows(items),
                         footer: "\(items.count) queued for retry")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retry one item now, or every item with --all.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The script's pine id, or its title when no other script has it.") var script: String?
        @Argument(help: "The retry item id (see `queue list`).") var id: String?
        @Flag(help: "Retry every item (of --script, or of all scripts).") var all = false
        func run() async throws {
            let runtime = try openRuntime(global, echoEvents: true)
            let script = try resolveScript(self.script, runtime)
            let command: AccessCommand
            if all { command = .retryAll(script: script) } else {
                guard let script, let id else { throw ValidationError("give --script ID and an item id, or --all") }
                command = .retryNow(script: script, id: id)
            }
            try await perform(runtime, command)
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an item from the retry queue without applying it.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The script's pine id, or its title when no other script has it.") var script: String
        @Argument(help: "The retry item id.") var id: String
        @Flag(help: "Check the item and say what would happen; change nothing.") var dryRun = false
        func run() async throws {
            let runtime = try openRuntime(global)
            let script = try resolveScript(self.script, runtime)
            try await perform(runtime, .dropRetry(script: script, id: id), dryRun: dryRun) { printSafe($0.message) }
        }
    }
}

struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "The manual-review queue: invalid usernames, refunds, conflicts.",
        subcommands: [List.self, Resolve.self, Dismiss.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List review items of every script: a table at a terminal, one JSON object per line in a pipe or with --json.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "One JSON object per line, also at a terminal.") var json = false
        func run() async throws {
            let runtime = try openRuntime(global)
            let scripts = try await runAction { try runtime.loadScripts(.queues) }
            let items = scripts.flatMap { s in s.reviewQueue.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map { (s.scriptId, $0) } }
            printListing(json: json, items.map { ScriptItem(scriptId: $0.0, item: $0.1) }, table: ListingTable.reviewRows(items),
                         footer: "\(items.count) waiting for review")
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fix the username, validate it and grant the purchased term.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The script's pine id, or its title when no other script has it.") var script: String
        @Argument(help: "The review item id.") var id: String
        @Option(help: "The corrected TradingView username.") var user: String?
        @Flag var dryRun = false
        func run() async throws {
            let runtime = try openRuntime(global)
            let script = try resolveScript(self.script, runtime)
            try await perform(runtime, .resolveReview(script: script, id: id, newName: user), dryRun: dryRun)
        }
    }

    struct Dismiss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a review item without granting.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The script's pine id, or its title when no other script has it.") var script: String
        @Argument(help: "The review item id.") var id: String
        @Option(help: "Why (kept in the event log).") var reason: String
        @Flag(help: "Check the item and say what would happen; change nothing.") var dryRun = false
        func run() async throws {
            let runtime = try openRuntime(global)
            let script = try resolveScript(self.script, runtime)
            try await perform(runtime, .dismissReview(script: script, id: id, reason: reason), dryRun: dryRun) { printSafe($0.message) }
        }
    }
}
