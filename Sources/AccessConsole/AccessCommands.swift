import AccessCore
import ArgumentParser
import Foundation

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a TradingView username and print TradingView's spelling.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "A username, @name or tradingview.com/u/NAME/ link.") var name: String

    func run() async throws {
        let runtime = try openRuntime(global)
        let result = try await runAction { try await runtime.actions.validate(name) }
        printSafe(result.canonical)
    }
}

struct WriteOptions: ParsableArguments {
    @Option(help: "The script's pine id (e.g. \"PUB;7d3c...\"), or its title when no other script has it.") var script: String
    @Option(name: .customLong("user"), help: "The TradingView username (repeat for several).") var users: [String]
    @Flag(help: "Log the write, send nothing.") var dryRun = false
}

struct GrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "grant", abstract: "Grant access for a term.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions
    @Option(help: "7D, 1M, 3M, 6M, 1Y or lifetime.") var term: String

    func run() async throws {
        let term = try parseTerm(term)
        let runtime = try openRuntime(global)
        // Each user on its own: one unknown name does not stop the others (Core's `perform`).
        let script = try resolveScript(write.script, runtime)
        try await perform(runtime, .grant(script: script, users: write.users, term: term), dryRun: write.dryRun)
    }
}

struct ExtendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "extend", abstract: "Extend access by a term (from the later of now and the current expiry).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions
    @Option(help: "7D, 1M, 3M, 6M, 1Y or lifetime.") var term: String

    func run() async throws {
        let term = try parseTerm(term)
        let runtime = try openRuntime(global)
        let script = try resolveScript(write.script, runtime)
        try await perform(runtime, .extend(script: script, users: write.users, term: term), dryRun: write.dryRun)
    }
}

struct RevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Remove access now.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        let runtime = try openRuntime(global)
        let script = try resolveScript(write.script, runtime)
        try await perform(runtime, .revoke(script: script, users: write.users), dryRun: write.dryRun)
    }
}

struct ResyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resync", abstract: "Compare master data with TradingView's list; --apply fixes the differences.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The script's pine id, or its title when no other script has it.") var script: String
    @Flag(help: "Apply: grant the missing, adopt the unknown, align expiries.") var apply = false
    @Flag(help: "Print the diff as JSON.") var json = false

    func run() async throws {
        let runtime = try openRuntime(global)
        let script = try resolveScript(self.script, runtime)
        ProgressDisplay.attach(runtime.events, json: json)
        try await perform(runtime, .resync(script: script, apply: apply)) { outcome in
            guard let diff = outcome.diff else { return }
            if json { printJSON(diff) } else { Listing.resync(diff, applied: apply).forEach { print($0) } }
        }
    }
}
