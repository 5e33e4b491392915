import AccessCore
import Foundation

/// Opens the runtime for a headless command, turning config problems into exit status 2.
/// `actor` names the entry point in history and events: the CLI unless the console or the daemon says.
func openRuntime(_ options: GlobalOptions, echoEvents: Bool = false, minLevel: EventLevel = .info,
                 actor: String = ActorName.cli()) throws -> AppRuntime {
    let runtime: AppRuntime
    do {
        runtime = try AppRuntime.open(configPath: options.config, actor: actor)
    } catch let error as ConfigError {
        printError(error.description)
        throw CommandExit(status: .badInput)
    }
    if echoEvents {
        // Cron and systemd capture stdout: the same JSON lines as logs/sync.log.
        let redact = runtime.redactor
        runtime.events.addSink { event in
            guard event.level >= minLevel else { return }
            // Unbuffered, one write per line: a pipe to cron or systemd sees events as they happen.
            FileHandle.standardOutput.write(Data((SafeText.json(redact.redact(EventCoding.line(event))) + "\n").utf8))
        }
    }
    return runtime
}

/// One `error:` line per line of the message, each sanitized (messages quote outside text).
func printError(_ message: String) {
    let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map { "error: " + SafeText.text(String($0)) }
    FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
}

func printJSON<T: Encodable>(_ value: T) {
    if let text = Listing.json(value) { print(text) }
}

/// Prints text that may quote outside values (ids, names), sanitized.
func printSafe(_ text: String) { print(SafeText.text(text)) }

/// Runs an action, printing its error in one line and mapping it to the documented exit status.
func runAction<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ActionError {
        printError(error.description)
        throw CommandExit(status: exitStatus(for: error))
    } catch let error as CommandExit {
        throw error
    } catch {
        printError(String(describing: error))
        throw CommandExit(status: .failed)
    }
}

/// An error's exit status: Core's outcome table decides (`OutcomeStatus`).
func exitStatus(for error: ActionError) -> ExitStatus { ExitStatus(OutcomeStatus(error)) }

/// Hands `command` to Core (which decides the mode, locks, audits and emits), prints each user's line,
/// and ends with the outcome's exit code: the why on stderr when it is not 0, and a dry run says so.
func perform(_ runtime: AppRuntime, _ command: AccessCommand, dryRun: Bool = false,
             show: (Outcome) -> Void = { $0.reports.forEach { print(describe($0)) } }) async throws {
    let outcome = await runtime.actions.perform(command, dryRun: dryRun)
    show(outcome)
    try finish(outcome)
}

/// The outcome's lines on stderr and its exit code (README "Exit codes", docs "Outcomes").
func finish(_ outcome: Outcome) throws {
    if let error = outcome.error { printError(error.description) }
    else if !outcome.status.isSuccess { printError(outcome.status.sentence) }
    if outcome.dryRun { FileHandle.standardError.write(Data("dry run: nothing was sent or kept\n".utf8)) }
    guard outcome.exitCode == 0 else { throw CommandExit(status: ExitStatus(outcome.status)) }
}

/// The status of a run summary, with a line on stderr when it is not "done" (so `--json`, whose stdout
/// is the summary, still says why). A stopped session names its cause: no cookies, a vault that cannot be
/// opened (its own error: a key file open to others, a wrong key, a changed file) or TradingView's refusal.
func exitStatus(for summary: SyncSummary, session: SessionManager) -> ExitStatus {
    let status = ExitStatus(OutcomeStatus(summary))
    switch status {
    case .sessionStale: printError(sessionStoppedLine(session.status()))
    case .failed: printError("\(summary.incomplete) part(s) of the run could not be done (see the error events); the next run tries again")
    default: break
    }
    return status
}

/// Why writes stopped for the session, from its status (the vault is read, TradingView is not asked).
func sessionStoppedLine(_ status: SessionStatus) -> String {
    let kept = "writes stopped, work kept queued"
    guard status.state == .missing else { return "TradingView session stale: \(kept) (run `cookies set` with fresh cookies)" }
    return "TradingView cookies cannot be used: \(status.lastResult ?? "no cookies saved"); \(kept)"
}

func parseTerm(_ text: String) throws -> AccessTerm {
    guard let term = AccessTerm(text) else {
        printError("--term: expected 7D, 2W, 1M, 3M, 6M, 1Y or lifetime, got \"\(text)\"")
        throw CommandExit(status: .badInput)
    }
    return term
}

func describe(_ report: ActionReport) -> String { Listing.report(report) }

/// The pine id `--script` names (an id, or a title exactly one configured script has); a one-line error
/// listing the candidates and exit 2 otherwise. nil stays nil (the option was not given).
func resolveScript(_ given: String?, _ runtime: AppRuntime) throws -> String? {
    guard let given else { return nil }
    switch ScriptChoice.resolve(given, among: ScriptChoice.scripts(of: runtime.config)) {
    case .success(let id): return id
    case .failure(let error):
        printError(error.message)
        throw CommandExit(status: .badInput)
    }
}

func resolveScript(_ given: String, _ runtime: AppRuntime) throws -> String {
    try resolveScript(Optional(given), runtime)!
}

/// A listing: a table with a header row (and `footer` under it) when stdout is a terminal, else (or with
/// `--json`) one JSON object per item and line.
func printListing<T: Encodable>(json: Bool, _ items: [T], table: (header: [String], rows: [[String]]), footer: String) {
    switch ListingMode.choose(json: json, stdoutIsTerminal: isatty(STDOUT_FILENO) != 0) {
    case .jsonLines:
        ListingTable.jsonLines(items).forEach { print($0) }
    case .table:
        ListingTable.lines(header: table.header, rows: table.rows).forEach { print($0) }
        print(footer)
    }
}
