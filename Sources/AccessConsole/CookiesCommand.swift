import AccessCore
import ConsoleUI
import ArgumentParser
import Foundation

struct CookiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cookies", abstract: "The TradingView session cookies (kept encrypted in the vault).",
        subcommands: [Set.self, Test.self, Status.self], defaultSubcommand: Status.self)

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read sessionid and sessionid_sign from stdin, test them, and save them if TradingView accepts them.",
            discussion: "Stdin takes a Cookie header (`sessionid=...; sessionid_sign=...`) or the two values on two lines. Never on the command line: argv is visible to every user.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let runtime = try openRuntime(global)
            let (id, sign) = try readCookies()
            try await perform(runtime, .setCookies(SessionCookies(sessionid: id, sessionidSign: sign))) { printSafe($0.message) }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask TradingView whether the saved session still works.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let runtime = try openRuntime(global)
            // A session that is not valid exits 3 with the status line on stdout as well (scripts read it).
            try await perform(runtime, .testSession) { printSafe($0.message) }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The last known session state, without calling TradingView.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let runtime = try openRuntime(global)
            let status = runtime.session.status()
            printSafe(status.line)
            // Not usable (stale, none saved, or a vault that cannot be opened): a script must not read "ok".
            if !status.isUsable { throw CommandExit(status: .sessionStale) }
        }
    }
}

/// Parses what an admin pastes: a Cookie header, or two lines. Prompts without echo on a terminal.
func readCookies() throws -> (String, String) {
    var lines: [String] = []
    if isatty(0) == 1 {
        lines.append(readSecret(prompt: "sessionid: "))
        lines.append(readSecret(prompt: "sessionid_sign: "))
    } else {
        while let l = readLine(), lines.count < 4 { lines.append(l) }
    }
    let joined = lines.joined(separator: ";")
    if joined.contains("sessionid=") {
        var found: [String: String] = [:]
        for part in joined.split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2 { found[kv[0]] = kv[1] }
        }
        if let id = found["sessionid"], let sign = found["sessionid_sign"] { return (id, sign) }
    } else {
        let values = lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if values.count == 2 { return (values[0], values[1]) }
    }
    printError("stdin: expected `sessionid=...; sessionid_sign=...` or the two values on two lines")
    throw CommandExit(status: .badInput)
}

private func readSecret(prompt: String) -> String {
    FileHandle.standardError.write(Data(prompt.utf8))
    var old = termios()
    tcgetattr(0, &old)
    var quiet = old
    quiet.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(0, TCSANOW, &quiet)
    defer { tcsetattr(0, TCSANOW, &old); FileHandle.standardError.write(Data("\n".utf8)) }
    return readLine() ?? ""
}

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "config.json tools.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate config.json and print every problem.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let config: AppConfig
            do { config = try ConfigLoader.load(path: global.config) } catch let error as ConfigError {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw CommandExit(status: .badInput)
            }
            // Beyond the file's shape: what a command would later refuse or quietly ignore (the console refuses
            // bad key bindings at start, the daemon keeps a route closed, the vault does not decrypt).
            var findings = ConfigCheck.findings(config: config, configPath: global.config, environment: ProcessInfo.processInfo.environment)
            findings += Keymap.standard.problems(config.console?.keys ?? [:]).map { ConfigFinding(.error, "", $0) }
            for finding in findings {
                let line = "\(finding.severity == .warning ? "warning: " : "")\(global.config): \(finding)"
                FileHandle.standardError.write(Data((SafeText.text(line) + "\n").utf8))
            }
            let errors = findings.filter { $0.severity == .error }.count
            guard errors == 0 else {
                printError("\(global.config): \(errors) problem\(errors == 1 ? "" : "s") to fix before the service can run as configured")
                throw CommandExit(status: .badInput)
            }
            print("\(global.config): ok (\(config.products.count) products, \(config.scriptIds.count) scripts, tradingview \(config.tradingview.mode.rawValue), wordpress \(config.wordpress.style.rawValue))")
        }
    }
}
