import AccessCore
import Foundation

/// Shows the engine's run progress on stderr: a bar redrawn in place on a terminal, a plain line per
/// tenth of the work otherwise. Nothing with --json.
enum ProgressDisplay {
    static func attach(_ events: EventHub, json: Bool) {
        guard !json else { return }
        let terminal = isatty(STDERR_FILENO) == 1
        let lastTenth = LastTenth()
        events.addSink { event in
            if let p = event.runProgress, p.total > 0 {
                if terminal {
                    // Cursor back to the line's start: an event line echoed on stdout next overwrites the bar
                    // (every event line is longer) instead of running on after it; the next report redraws it.
                    write("\r\u{1B}[K" + ProgressLine.bar(p) + "\r")
                } else if lastTenth.advance(run: p.run, to: p.done * 10 / p.total) {
                    write(ProgressLine.plain(p) + "\n")
                }
            } else if event.kind.endsRun, terminal {
                write("\r\u{1B}[K")
            }
        }
    }

    private static func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    /// The tenth of the work last reported per run, so plain output stays short.
    private final class LastTenth: Sendable {
        private let last = Locked((run: "", tenth: -1))
        func advance(run: String, to tenth: Int) -> Bool {
            last.withLock { last in
                if run != last.run { last = (run: run, tenth: -1) }
                guard tenth > last.tenth else { return false }
                last.tenth = tenth
                return true
            }
        }
    }
}
