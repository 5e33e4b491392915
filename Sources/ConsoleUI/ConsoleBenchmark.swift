import AccessCore
import Foundation

/// Console budgets for `make bench`: a frame and a filter keystroke with many users (release build).
public enum ConsoleBenchmark {
    /// A 200x60 state on one script with `users` users, users pane focused.
    public static func state(users: Int, size: Size = Size(width: 200, height: 60)) -> ConsoleState {
        let now = Date(timeIntervalSince1970: 1_750_000_000)
        var script = ScriptAccess(scriptId: "PUB;bench", title: "Bench")
        for u in SampleUsers.make(count: users, now: now) { script.users[Username.key(u.username)] = u }
        let snap = ConsoleSnapshot(configPath: "bench.json", scripts: [script],
                                   session: SessionStatusInfo(status: .valid),
                                   modes: ModeReport(dryRun: false, readOnly: false, version: 1))
        var s = try! ConsoleState(size: size, now: now)
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(snap)))
        for i in 0..<200 {
            s.log.buffer.append(AccessEvent(time: now, kind: .writeApplied(.grant), script: "PUB;bench", user: "user\(i)", message: "granted 1M"))
        }
        return s
    }

    /// Seconds to render one frame (mean of several).
    public static func frameRender(users: Int = 100_000) -> Double {
        var s = state(users: users)
        let frames = 50
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<frames {
            _ = ConsoleReducer.reduce(&s, .key(i % 2 == 0 ? .down : .pageDown))
            _ = ConsoleRenderer.render(s)
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(frames)
    }

    /// Seconds per filter keystroke (reduce and render), typing and erasing a filter.
    public static func filterKeystroke(users: Int = 100_000) -> Double {
        var s = state(users: users)
        _ = ConsoleReducer.reduce(&s, .key(.char("/")))
        let keys: [Key] = "user12".map { .char($0) } + Array(repeating: .backspace, count: 6) + "@exa".map { .char($0) }
        let start = DispatchTime.now().uptimeNanoseconds
        for k in keys {
            _ = ConsoleReducer.reduce(&s, .key(k))
            _ = ConsoleRenderer.render(s)
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(keys.count)
    }
}

extension ConsoleBenchmark {
    /// What the console's first frame waits for, on the files a config names: reading every script
    /// for display, then the snapshot (each script's users index). Seconds, best of `runs`.
    public static func overviewLoad(configPath: String, runs: Int = 5) throws -> (read: Double, index: Double) {
        let runtime = try AppRuntime.open(configPath: configPath, environment: [:])
        var best = (read: Double.infinity, index: Double.infinity)
        for _ in 0..<runs {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let (scripts, unreadable) = runtime.loadSummaries()
            if let why = unreadable.values.first { throw ConsoleBenchmarkError(message: why) }
            let t1 = DispatchTime.now().uptimeNanoseconds
            let snapshot = ConsoleSnapshot(configPath: configPath, scripts: scripts, session: SessionStatusInfo(status: .valid),
                                           modes: ModeReport(dryRun: false, readOnly: false, version: 1))
            let t2 = DispatchTime.now().uptimeNanoseconds
            withExtendedLifetime(snapshot) {}   // freeing it is not part of the wait
            best = (min(best.read, Double(t1 - t0) / 1e9), min(best.index, Double(t2 - t1) / 1e9))
        }
        return best
    }
}

/// The bench's fixture did not read: the bench fails with why rather than time an empty load.
struct ConsoleBenchmarkError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
