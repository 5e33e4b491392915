import AccessCore
import Foundation
import Testing

/// Runs the built binary once with `args` (in `directory` when given, without ACCESS_CONSOLE_KEY unless
/// `environment` sets it); its exit status and output, or nil (the process killed) when it still runs after
/// `limit` seconds, so a command that should have exited fails the test instead of hanging it.
func runBinary(_ args: [String], in directory: URL? = nil, environment: [String: String] = [:],
               limit: TimeInterval = 60) async throws -> (Int32, String)? {
    try await runProgram(DaemonHarness.binary, args, in: directory, environment: environment, limit: limit)
}

/// The built binary on a pseudo-terminal (`script` runs it), as a person at a terminal runs it; its exit
/// status and output without the pty's carriage returns.
func runBinaryAtATerminal(_ args: [String], limit: TimeInterval = 60) async throws -> (Int32, String)? {
    let line = ([DaemonHarness.binary] + args).map { "'" + $0 + "'" }.joined(separator: " ")
    return try await runProgram("/usr/bin/script", ["-qec", line, "/dev/null"], limit: limit)
        .map { ($0.0, $0.1.replacingOccurrences(of: "\r", with: "")) }
}

/// Runs `program` once; output (stdout and stderr) through a file, so a full pipe never blocks it.
func runProgram(_ program: String, _ args: [String], in directory: URL? = nil, environment: [String: String] = [:],
                limit: TimeInterval = 60) async throws -> (Int32, String)? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = args
    if let directory { p.currentDirectoryURL = directory }
    var env = ProcessInfo.processInfo.environment
    env["ACCESS_CONSOLE_KEY"] = nil
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("binary-run-\(UUID().uuidString).out")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: out) }
    let handle = try FileHandle(forWritingTo: out)
    defer { try? handle.close() }
    p.standardOutput = handle
    p.standardError = handle
    p.standardInput = FileHandle.nullDevice
    await SpawnGuard.fewDescriptors()
    try p.run()
    let finished = try? await eventually("\(URL(fileURLWithPath: program).lastPathComponent) \(args.first ?? "") to exit", timeout: limit) { p.isRunning ? nil : true }
    if finished == nil { kill(p.processIdentifier, SIGKILL); p.waitUntilExit(); return nil }
    return (p.terminationStatus, String(decoding: try Data(contentsOf: out), as: UTF8.self))
}
