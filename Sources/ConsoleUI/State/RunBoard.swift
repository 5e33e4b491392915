import AccessCore
import Foundation

/// The engine runs the console knows of, built only from what the core reports: run events (this
/// process's live, other processes' tailed from the log) and the sync lock's holder. A run appears
/// with its start, moves with its progress and leaves with its end; reports that arrive out of order
/// (progress after the end, an older count after a newer one) change nothing.
public struct RunBoard: Sendable, Equatable {
    public struct Run: Sendable, Equatable {
        public var progress: RunProgress
        public var pid: Int32
    }

    public private(set) var active: [String: Run] = [:]
    /// Ended run ids, so a late progress report cannot bring a run back. Bounded: ids are random.
    private var ended: [String] = []
    /// The process holding the sync lock, when it is not this one.
    public private(set) var lockHolder: Int32?
    public private(set) var lastEnd: (RunEnd, Date)?

    public init() {}

    /// The run the header shows: a sync or a batch before a retry pass, then the one with most work.
    public var shown: Run? {
        active.values.max { a, b in
            (a.progress.kind == .retry ? 0 : 1, a.progress.total, a.progress.run) < (b.progress.kind == .retry ? 0 : 1, b.progress.total, b.progress.run)
        }
    }

    public var isIdle: Bool { active.isEmpty && lockHolder == nil }

    /// Takes a run event; returns true when a run ended (the data changed: time to reload).
    public mutating func take(_ e: AccessEvent) -> Bool {
        if let p = e.runProgress {
            guard !ended.contains(p.run) else { return false }
            if let old = active[p.run], old.progress.done > p.done { return false }
            active[p.run] = Run(progress: p, pid: e.pid)
            return false
        }
        guard let end = e.runEnd else { return false }
        // A failure before any run started names no run: nothing was shown for it.
        guard !end.run.isEmpty else { return false }
        active[end.run] = nil
        ended.append(end.run)
        if ended.count > 64 { ended.removeFirst(ended.count - 64) }
        if e.kind == .runDone { lastEnd = (end, e.time) }
        return true
    }

    /// The sync lock's holder as the services last read it (nil: free, or held by this process).
    /// Another process's runs that are no longer behind the lock died or ended unseen: they go.
    public mutating func lock(heldBy pid: Int32?, ownPid: Int32 = ProcessInfo.processInfo.processIdentifier) {
        lockHolder = pid == ownPid ? nil : pid
        active = active.filter { $0.value.pid == ownPid || $0.value.pid == lockHolder }
    }

    public static func == (a: RunBoard, b: RunBoard) -> Bool {
        a.active == b.active && a.ended == b.ended && a.lockHolder == b.lockHolder
            && a.lastEnd?.0 == b.lastEnd?.0 && a.lastEnd?.1 == b.lastEnd?.1
    }
}

/// Modes the services own. The console shows the newest report it has: `version` grows with every
/// change, so a report read before a change (a slow reload) can never overwrite the change.
/// Dry run and read-only as the services report them: Core's `ModePolicy`, owned by the runtime's
/// `ModeAuthority`; the console only shows the newest report.
public typealias ModeReport = ModePolicy
