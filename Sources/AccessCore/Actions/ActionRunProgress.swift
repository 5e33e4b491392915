import Foundation

/// The run events of an action that makes many writes outside the engine (resync --apply), so the
/// progress bar and the console show it like an engine run: start, one progress per step, done or failed.
final class ActionRunProgress: Sendable {
    private let events: EventHub
    private let started = Date()
    private let progress: Locked<RunProgress>

    init(kind: RunKind, total: Int, dryRun: Bool, events: EventHub) {
        self.events = events
        let start = RunProgress(run: SyncEngine.newRunId(), kind: kind, dryRun: dryRun, total: total)
        progress = Locked(start)
        events.emit(.runStart(start))
    }

    /// One step done; `granted`/`extended` count what it was.
    func step(granted: Bool) {
        let p: RunProgress = progress.withLock { progress in
            progress.done += 1
            if granted { progress.granted += 1 } else { progress.extended += 1 }
            let minutes = Date().timeIntervalSince(started) / 60
            progress.ratePerMinute = minutes > 0 ? Double(progress.done) / minutes : nil
            return progress
        }
        events.emit(.runProgress(p))
    }

    func done(failed: Int) {
        let p = progress.withLock { $0 }
        var s = SyncSummary(dryRun: p.dryRun)
        s.granted = p.granted; s.extended = p.extended; s.failed = failed
        s.durationSeconds = Date().timeIntervalSince(started)
        events.emit(.runDone(run: p.run, kind: p.kind, s))
    }

    func failed(_ error: any Error) {
        let p = progress.withLock { $0 }
        events.emit(AccessEvent(level: .error, kind: .runFailed, message: "\(p.kind.rawValue) failed: \(error)",
                                fields: ["run": p.run, "kind": p.kind.rawValue]))
    }
}
