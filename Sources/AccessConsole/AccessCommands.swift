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
        print(result.canonical)
    }
}

struct WriteOptions: ParsableArguments {
    @Option(help: "The script's pine id, e.g. \"PUB;7d3c...\".") var script: String
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
        for user in write.users {
            let report = try await runAction { try await runtime.actions.grant(script: write.script, user: user, term: term, dryRun: write.dryRun) }
            print(describe(report))
        }
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
        let reports = try await runAction { try await runtime.actions.extend(script: write.script, users: write.users, term: term, dryRun: write.dryRun) }
        reports.forEach { print(describe($0)) }
    }
}

struct RevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Remove access now.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        let runtime = try openRuntime(global)
        let reports = try await runAction { try await runtime.actions.revoke(script: write.script, users: write.users, dryRun: write.dryRun) }
        reports.forEach { print(describe($0)) }
    }
}

struct ResyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resync", abstract: "Compare master data with TradingView's list; --apply fixes the differences.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The script's pine id.") var script: String
    @Flag(help: "Apply: grant the missing, adopt the unknown, align expiries.") var apply = false
    @Flag(help: "Print the diff as JSON.") var json = false

    func run() async throws {
        let runtime = try openRuntime(global)
        ProgressDisplay.attach(runtime.events, json: json)
        let diff = try await runAction { try await runtime.actions.resync(script: script, apply: apply) }
        if json { printJSON(diff); return }
        for u in diff.missingRemote { print("missing-on-tradingview\t\(u.username)\t\(u.expiry?.day ?? "lifetime")") }
        for u in diff.unknownLocal { print("unknown-locally\t\(u.username)\t\(u.expiry?.day ?? "lifetime")") }
        for m in diff.expiryMismatch {
            print("expiry-mismatch\t\(m.username)\tours \(m.local?.day ?? "lifetime")\ttradingview \(m.remote?.day ?? "lifetime")")
        }
        print("\(diff.matching) matching, \(diff.missingRemote.count) missing, \(diff.unknownLocal.count) unknown, \(diff.expiryMismatch.count) mismatched\(apply ? " (applied)" : "")")
    }
}
