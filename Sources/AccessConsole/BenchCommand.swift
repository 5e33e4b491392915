import AccessBench
import ArgumentParser
import Foundation

/// `make bench`: the options of `AccessBench.Bench`, its table printed, and a missed goal as exit 1 (as before the split).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the budgets of docs/ARCHITECTURE.md and print them as a table (make bench).")
    @Option(help: "The config to base the sync benchmark on.") var config: String = "config.json"
    @Option(help: "Generated WordPress transactions for the sync benchmark.") var transactions: Int = 400
    @Option(help: "Injected TradingView latency in ms.") var latencyMs: Int = 20
    @Option(help: "Measure one group only: sync, batch, store, console, daemon, poll or audit (all when absent).") var only: Bench.Group?
    @Option(help: "Purchases sent through the daemon's webhook.") var purchases: Int = 100

    @Option(help: "Only write a data folder with one script of this many users for the console bench, and print its config path.")
    var consoleFixture: Int?
    @Option(help: "Where --console-fixture writes (default: a new temporary folder).") var fixtureDir: String?

    func run() async throws {
        if let users = consoleFixture {
            print(try Bench.writeConsoleFixture(users: users, directory: fixtureDir.map { URL(fileURLWithPath: $0) }))
            return
        }
        var bench = Bench()
        bench.config = config
        bench.transactions = transactions
        bench.latencyMs = latencyMs
        bench.only = only
        bench.purchases = purchases
        let table = try await bench.measure()
        print(table.render())
        if !table.allMet { throw CommandExit(status: .queued) }
    }
}

// Same package: no `@retroactive` needed.
extension Bench.Group: ExpressibleByArgument {}
