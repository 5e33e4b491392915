import AccessCore
import Foundation

/// Opens the runtime for a headless command, turning config problems into exit status 2.
func openRuntime(_ options: GlobalOptions, echoEvents: Bool = false, minLevel: EventLevel = .info) throws -> AppRuntime {
    let runtime: AppRuntime
    do {
        runtime = try AppRuntime.open(configPath: options.config)
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
            FileHandle.standardOutput.write(Data((redact.redact(EventCoding.line(event)) + "\n").utf8))
        }
    }
    return runtime
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data(("error: " + message.replacingOccurrences(of: "\n", with: "\nerror: ") + "\n").utf8))
}

func printJSON<T: Encodable>(_ value: T) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    if let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) { print(text) }
}

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
        throw CommandExit(status: .queued)
    }
}

func exitStatus(for error: ActionError) -> ExitStatus {
    switch error {
    case .sessionStale: return .sessionStale
    case .syncRunning: return .locked
    case .unknownScript, .userNotFound, .invalidUsername, .retryNotFound, .reviewNotFound, .notConfigured: return .badInput
    default: return .queued
    }
}

func parseTerm(_ text: String) throws -> AccessTerm {
    guard let term = AccessTerm(text) else {
        printError("--term: expected 7D, 2W, 1M, 3M, 6M, 1Y or lifetime, got \"\(text)\"")
        throw CommandExit(status: .badInput)
    }
    return term
}

extension Date {
    var day: String { formatted(.iso8601.year().month().day()) }
}

func describe(_ report: ActionReport) -> String {
    let expiry = report.lifetime ? "lifetime" : (report.expiry?.day ?? "-")
    return "\(report.result.rawValue)\t\(report.operation.rawValue)\t\(report.username)\t\(expiry)\t\(report.detail)"
}
