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
        // --json: one object on stdout whatever happens (a cron wrapper parses it), with the run's error
        // events, which stderr's "see the error events" points to and --json does not stream.
        let errors = EventMessages()
        let redactor = runtime.redactor
        if json {
            runtime.events.addSink { event in
                if event.level >= .error { errors.append(redactor.redact("\(event.kind.name): \(event.message)")) }
            }
        }
        let outcome = await runtime.actions.perform(.sync, dryRun: dryRun)
        var summary = outcome.summary
        summary?.callsByEndpoint = runtime.callCounts()
        let status: ExitStatus
        var stopped: String?
        if let summary {
            status = exitStatus(for: summary, session: runtime.session)
        } else {
            // No run took place (the lock was held, the mode refused): the why on stderr and in the object.
            status = ExitStatus(outcome.status)
            stopped = redactor.redact(outcome.message)
            printError(stopped!)
        }
        if json {
            printSyncJSON(summary, status: status, error: stopped, errors: errors.all)
        } else if outcome.dryRun {
            FileHandle.standardError.write(Data("dry run: nothing was sent or kept\n".utf8))
        }
        throw CommandExit(status: status)
    }
}

/// `sync --json`'s object: the summary's fields (none when no run took place: the lock was held), the exit
/// code, the error when the run could not start or finish, and the messages of the run's error events.
func printSyncJSON(_ summary: SyncSummary?, status: ExitStatus, error: String?, errors: [String]) {
    var object: [String: Any] = [:]
    if let summary, let text = Listing.json(summary),
       let fields = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
        object = fields
    }
    object["exitCode"] = Int(status.rawValue)
    if let error { object["error"] = error }
    object["errors"] = errors
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
    print(SafeText.json(String(decoding: data, as: UTF8.self)))
}

/// Event messages collected from any thread.
final class EventMessages: Sendable {
    private let messages = Locked<[String]>([])
    func append(_ message: String) { messages.withLock { $0.append(message) } }
    var all: [String] { messages.withLock { $0 } }
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
        let runtime = try openRuntime(global, echoEvents: true, actor: ActorName.daemon)
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
