import AccessCore
import AccessDaemon
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
        throw CommandExit(status: exitStatus(for: summary, session: runtime.session))
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
        abstract: "Run as a service (systemd): HTTP API and MemberPress webhooks on server.listen, a sync every scheduler.interval_minutes, alerts. SIGTERM stops it cleanly.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Dry run every sync.") var dryRun = false
    @Option(help: "HOST:PORT instead of server.listen (port 0: a free port, announced in the daemon.listening event).") var listen: String?
    @Flag(help: "Do not sync at start; wait for the schedule, POST /sync or a webhook.") var noStartupSync = false
    @Option(help: "Seconds SIGTERM waits for a running sync to finish its writes.") var shutdownSeconds: Int = 20
    @Option(help: .hidden) var alertCheckMs: Int = 30_000
    @Option(help: .hidden) var clockFile: String?
    @Option(help: .hidden) var idleTimeoutMs: Int = 30_000

    func run() async throws {
        let runtime = try openRuntime(global, echoEvents: true)
        var options = DaemonOptions()
        options.listen = listen
        options.dryRun = dryRun
        options.syncAtStart = !noStartupSync
        options.shutdownBound = .seconds(max(1, shutdownSeconds))
        options.alertCheck = .milliseconds(max(10, alertCheckMs))
        options.clockFile = clockFile
        options.idleTimeout = .milliseconds(max(50, idleTimeoutMs))
        do {
            try await Daemon.run(runtime, options: options)
        } catch let error as ConfigError {
            printError(error.description)
            throw CommandExit(status: .badInput)
        } catch let error as DaemonLockError {
            printError(error.description)
            throw CommandExit(status: .locked)
        } catch {
            printError(runtime.redactor.redact(String(describing: error)))
            throw CommandExit(status: .badInput)
        }
    }
}
