import AccessCore
import ArgumentParser
import Foundation

struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Master data maintenance.", subcommands: [Repair.self, Rebuild.self])

    struct Repair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep a damaged journal's intact lines, set the rest aside in a file beside it, and list what they held; a damaged snapshot is set aside (then `store rebuild`).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The script's pine id, or its title when no other script has it.") var script: String
        func run() async throws {
            let runtime = try openRuntime(global)
            let script = try resolveScript(self.script, runtime)
            let report: StoreRepairReport
            do {
                report = try ScriptStore.repair(directory: runtime.masterDataDirectory, scriptId: script)
            } catch let error as StoreError {
                printError(error.description)
                if case .locked = error { throw CommandExit(status: .locked) }
                throw CommandExit(status: .failed)
            }
            if let damage = report.snapshotDamage {
                runtime.events.emit(.warning, .storeRepaired, script: script,
                                    "damaged snapshot set aside (\(damage)): the store stays closed until store rebuild",
                                    fields: ["quarantine": report.snapshotQuarantine.joined(separator: " ")])
            } else if report.repaired {
                runtime.events.emit(.warning, .storeRepaired, script: script,
                                    "journal repaired: kept \(report.keptLines) lines, set \(report.lost.count) aside",
                                    fields: ["quarantine": report.quarantinePath ?? "", "lost": "\(report.lost.count)"])
            }
            Listing.repair(report).forEach { print($0) }
        }
    }

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "After master data was lost: start it again as a first run: TradingView's list compared with every purchase WordPress lists (covered: recorded, no write; under-granted: one write; more than paid: review, never cut).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The script's pine id, or its title when no other script has it.") var script: String
        @Flag var json = false
        func run() async throws {
            let runtime = try openRuntime(global)
            let script = try resolveScript(self.script, runtime)
            try await perform(runtime, .rebuild(script: script)) { outcome in
                guard let report = outcome.rebuild else { return }
                if json { printJSON(report); return }
                print(Listing.record(["rebuilt", script, "\(report.users) users from TradingView",
                                      "\(report.adopted) already covered", "\(report.writes) written",
                                      "\(report.excess) granted more than paid (review)", "\(report.processed) purchases processed"]))
                report.setAside.forEach { print(Listing.record(["set-aside", $0])) }
            }
        }
    }
}
