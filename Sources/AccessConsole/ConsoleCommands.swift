import AccessCore
import AccessSandbox
import ArgumentParser
import ConsoleUI
import Foundation

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "console", abstract: "The full-screen console (the default).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Disable every key that changes access.") var readOnly = false

    func run() async throws {
        let runtime = try openRuntime(global, actor: ActorName.console())
        try await openConsole(runtime, readOnly: readOnly)
    }
}

func openConsole(_ runtime: AppRuntime, readOnly: Bool) async throws {
    do {
        let services = RuntimeServices(runtime: runtime, readOnly: readOnly)
        var options = ConsoleOptions(keyOverrides: runtime.config.console?.keys ?? [:])
        options.modes = services.modes   // the services own the mode; the console starts from their report
        try await ConsoleApp.run(services: services, options: options)
    } catch {
        printError(String(describing: error))
        throw CommandExit(status: .badInput)
    }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The console on the built-in sandbox with seeded data in a temporary folder: try every key safely.")
    @Option(help: "A config to base the demo on (default: the built-in demo config).") var config: String?
    @Option(help: "Keep the demo's data here (default: a new temporary folder, removed on exit).") var dataDir: String?
    @Option(help: "Sandbox HTTP port (0 = any free port).") var port: Int = 0
    @Option(help: "Sandbox SMTP port (0 = any free port).") var smtpPort: Int = 0
    @Flag(help: "Disable every key that changes access.") var readOnly = false

    func run() async throws {
        let sandbox = try await Sandbox.start(SandboxOptions(port: port, smtpPort: smtpPort, seed: .demo))
        let directory = try dataDir.map { URL(fileURLWithPath: $0) } ?? DemoWorkspace.temporaryDirectory()
        defer { if dataDir == nil { try? FileManager.default.removeItem(at: directory) } }
        let runtime: AppRuntime
        do {
            let path = try DemoWorkspace.prepare(
                templateConfig: config, directory: directory,
                endpoints: .init(tradingView: sandbox.baseURL, wordpress: sandbox.baseURL, smtp: sandbox.smtpURL),
                cookies: SessionCookies(sessionid: SandboxOptions.defaultSessionid, sessionidSign: SandboxOptions.defaultSessionidSign),
                environment: [:])
            runtime = try AppRuntime.open(configPath: path, environment: [:], actor: ActorName.console())
            // The demo's cookies are known good: test them now, so the header says so from the first frame.
            _ = await runtime.session.test()
        } catch {
            await sandbox.shutdown()
            printError(String(describing: error))
            throw CommandExit(status: .badInput)
        }
        do { try await openConsole(runtime, readOnly: readOnly) } catch {
            await sandbox.shutdown(); throw error
        }
        await sandbox.shutdown()
    }
}

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the loopback emulators of TradingView, WordPress and SMTP until Ctrl-C (config.json points here).")
    @Option(help: "HTTP port (TradingView, access API, WordPress, /__sandbox control routes).") var port: Int = 8780
    @Option(help: "SMTP port.") var smtpPort: Int = 2525
    @Option(help: "Generated data set size instead of the demo seed (accounts).") var users: Int?
    @Option(help: "Generated transactions (with --users).") var transactions: Int = 1000

    func run() async throws {
        let seed: Seed = users.map { .generated(users: $0, transactions: transactions, seed: 42) } ?? .demo
        let sandbox: Sandbox
        do { sandbox = try await Sandbox.start(SandboxOptions(port: port, smtpPort: smtpPort, seed: seed)) } catch {
            printError(String(describing: error))
            throw CommandExit(status: .badInput)
        }
        FileHandle.standardOutput.write(Data("""
            sandbox: http \(sandbox.baseURL)  smtp \(sandbox.smtpURL)  (Ctrl-C stops)
            cookies: echo 'sessionid=\(SandboxOptions.defaultSessionid); sessionid_sign=\(SandboxOptions.defaultSessionidSign)' | access-console cookies set

            """.utf8))
        await waitForTermination()
        await sandbox.shutdown()
    }
}

/// Suspends until SIGINT or SIGTERM.
func waitForTermination() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let once = OnceFlag()
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { if once.take() { continuation.resume() } }
            source.resume()
            retainedSignalSources.append(source)
        }
    }
}

final class OnceFlag: Sendable {
    private let done = Locked(false)
    /// True for the first caller only.
    func take() -> Bool { done.withLock { done in defer { done = true }; return !done } }
}
nonisolated(unsafe) var retainedSignalSources: [any DispatchSourceSignal] = []

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Print the console's standard keys as a Markdown table (the registry the footer and ? help use).")

    func run() throws {
        print(KeyTable.markdown())
    }
}
