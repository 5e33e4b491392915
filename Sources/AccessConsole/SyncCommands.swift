import AccessCore
import ArgumentParser
import Foundation

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Apply new MemberPress transactions to TradingView once, then exit (for cron).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Log every intended write, send none, persist nothing as done.") var dryRun = false
    @Flag(help: "Print one summary object instead of the event stream.") var json = false

    func run() async throws {
        let runtime = try openRuntime(global, echoEvents: !json)
        ProgressDisplay.attach(runtime.events, json: json)
        let summary = try await runSync(runtime, dryRun: dryRun || runtime.config.scheduler.dryRun)
        if json { printJSON(summary) }
        throw CommandExit(status: ExitStatus(rawValue: summary.exitCode) ?? .queued)
    }
}

func runSync(_ runtime: AppRuntime, dryRun: Bool) async throws -> SyncSummary {
    var summary = try await runAction { try await runtime.actions.sync(dryRun: dryRun) }
    summary.callsByEndpoint = runtime.callCounts()
    return summary
}

struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Sync every scheduler.interval_minutes until stopped (for systemd). A run already held by another process is skipped.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Dry run every sync.") var dryRun = false

    func run() async throws {
        let runtime = try openRuntime(global, echoEvents: true)
        let interval = Duration.seconds(runtime.config.scheduler.intervalMinutes * 60)
        runtime.events.emit(.info, .daemonStart, "syncing every \(runtime.config.scheduler.intervalMinutes) min")
        while !Task.isCancelled {
            do {
                _ = try await runtime.actions.sync(dryRun: dryRun || runtime.config.scheduler.dryRun)
            } catch {
                // The action has emitted its own event; the daemon keeps its schedule.
            }
            try await Task.sleep(for: interval)
        }
    }
}
