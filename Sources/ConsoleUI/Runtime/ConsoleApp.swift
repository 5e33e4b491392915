import AccessCore
import Foundation

/// Starts the console: `try await ConsoleApp.run(services: ..., options: ...)` returns when the user quits.
public enum ConsoleApp {
    public static func run(services: any ConsoleServices, options: ConsoleOptions = ConsoleOptions()) async throws {
        // Keymap problems (bad console.keys) surface here, before curses takes the screen.
        var detected = options
        detected.clipboard = ClipboardSupport.detect()
        let options = detected
        let state = try ConsoleState(options: options)
        let inbox = Inbox()
        let stream = services.events()
        let pump = Task.detached {
            for await e in stream { inbox.push(core: e) }
        }
        defer { pump.cancel() }
        let runner = EffectRunner(services: services)
        // The first overview loads while the terminal starts: at 100k users it is most of the first wait.
        let firstLoad = Task.detached { inbox.push(.result(.loadOverview, await runner.run(.loadOverview))) }
        defer { firstLoad.cancel() }
        let box = StateBox(state)
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                do {
                    var loop = UILoop(state: box.take(), inbox: inbox, runner: runner, options: options)
                    try loop.run()
                    done.resume()
                } catch {
                    done.resume(throwing: error)
                }
            }
            thread.name = "console-ui"
            thread.start()
        }
    }
}

/// Hands the initial state to the UI thread exactly once.
private final class StateBox: Sendable {
    private let state: Locked<ConsoleState?>
    init(_ s: ConsoleState) { state = Locked(s) }
    func take() -> ConsoleState { state.withLock { state in defer { state = nil }; return state! } }
}

/// The one thread that owns curses: read a key (blocking up to 100 ms), drain the inbox, reduce,
/// and render only when something changed.
private struct UILoop {
    var state: ConsoleState
    let inbox: Inbox
    let runner: EffectRunner
    let options: ConsoleOptions

    mutating func run() throws {
        let terminal = try Terminal(color: options.color, stderrPath: options.stderrPath)
        defer { terminal.end() }
        let trace = options.tracePath.flatMap { FrameTrace(path: $0) }
        var keyAt: UInt64?
        var keyLabel = ""
        var firstDataTraced = false
        trace?.record("ui-ready", since: FrameTrace.processStart)
        state.size = terminal.size
        state.now = Date()
        var dirty = true
        var shownSecond = Int(state.now.timeIntervalSince1970)
        while !state.quitRequested {
            if dirty {
                terminal.flush(ConsoleRenderer.render(state))
                dirty = false
                if let trace {
                    if let t = keyAt { trace.record("key \(keyLabel)", since: t); keyAt = nil }
                    if !firstDataTraced, state.snapshot != nil { trace.record("first-data", since: FrameTrace.processStart); firstDataTraced = true }
                }
            }
            var events: [ConsoleEvent] = []
            // Sleep until a key, a result or core event, or the next second's clock tick: an idle
            // console wakes once a second, not ten times.
            let msToNextSecond = Int32(1000 - Int(Date().timeIntervalSince1970 * 1000) % 1000)
            terminal.waitForInput(timeoutMs: msToNextSecond, orReadable: inbox.wakeFd)
            var input = terminal.read(wait: false)
            if trace != nil, case .key(let k)? = input { keyAt = DispatchTime.now().uptimeNanoseconds; keyLabel = k.label }
            // Take everything already typed (a paste, key repeat) before drawing again.
            while let i = input, events.count < 512 {
                switch i {
                case .key(.ctrl("l")): terminal.invalidate(); events.append(.key(.ctrl("l")))
                case .key(let k): events.append(.key(k))
                case .resize: terminal.invalidate(); events.append(.resize(terminal.size))
                }
                input = terminal.read(wait: false)
            }
            events += inbox.drain()
            if let trace, !firstDataTraced, events.contains(where: { if case .result(.loadOverview, _) = $0 { true } else { false } }) {
                trace.record("overview-arrived", since: FrameTrace.processStart)
            }
            let now = Date()
            if Int(now.timeIntervalSince1970) != shownSecond {
                shownSecond = Int(now.timeIntervalSince1970)
                events.append(.tick(now))
            }
            for e in events {
                let effects = ConsoleReducer.reduce(&state, e)
                start(effects, terminal)
            }
            if let trace, !firstDataTraced, state.snapshot != nil { trace.record("overview-applied", since: FrameTrace.processStart) }
            if !events.isEmpty { dirty = true }
        }
    }

    func start(_ effects: [Effect], _ terminal: Terminal) {
        for effect in effects {
            switch effect {
            case .quit: break
            case .copyToClipboard(let text): terminal.copyToClipboard(text)
            default:
                let runner = self.runner, inbox = self.inbox
                Task.detached {
                    let outcome = await runner.run(effect)
                    inbox.push(.result(effect, outcome))
                }
            }
        }
    }
}
