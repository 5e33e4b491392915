import AccessCore
import Foundation

/// The console's logic: events in, new state and effects out. No I/O happens here.
public enum ConsoleReducer {
    /// Pure form, for tests and previews.
    public static func reduce(_ state: ConsoleState, _ event: ConsoleEvent) -> (ConsoleState, [Effect]) {
        var s = state
        let effects = reduce(&s, event)
        return (s, effects)
    }

    /// In-place form the runtime uses, so large tables are not copied per event.
    public static func reduce(_ s: inout ConsoleState, _ event: ConsoleEvent) -> [Effect] {
        var effects: [Effect]
        switch event {
        case .key(let key):
            effects = handleKey(&s, key)
        case .resize(let size):
            s.size = size
            refit(&s)
            effects = []
        case .tick(let now):
            s.now = now
            effects = []
            if let st = s.status, now.timeIntervalSince(st.at) >= StatusMessage.lifetime { s.status = nil }
            if now.timeIntervalSince(s.expiringCountedAt) >= 60 { countExpiring(&s) }
            if s.othersChangedData, !s.inFlight.contains(.loadOverview) {
                s.othersChangedData = false
                effects.append(.loadOverview)
            }
            if now.timeIntervalSince(s.lockPolledAt) >= 2 {
                s.lockPolledAt = now
                effects.append(.pollLock)
            }
        case .core(let events):
            effects = handleCore(&s, events)
        case .result(let effect, let outcome):
            if let i = s.inFlight.firstIndex(of: effect) { s.inFlight.remove(at: i) }
            effects = handleResult(&s, effect, outcome)
        }
        // One change at a time: a second write would wait on the first's script locks and fail, and a
        // mode change must not overtake (or be overtaken by) a write.
        if let running = s.inFlight.first(where: \.isExclusive), effects.contains(where: \.isExclusive) {
            effects.removeAll(where: \.isExclusive)
            setInfo(&s, "still running: \(running.description); try again when it is done")
        }
        s.inFlight += effects.filter(\.isRemote)
        if effects.contains(.quit) { s.quitRequested = true }
        return effects
    }

    static func handleKey(_ s: inout ConsoleState, _ key: Key) -> [Effect] {
        // Nothing acts on a screen nobody can see: while the terminal is too small, only q does.
        if s.layout.tooSmall {
            return key == .char("q") && s.modal == nil ? perform(&s, .quit) : []
        }
        if s.modal != nil { return handleModalKey(&s, key) }
        // A status line is the answer to the last action: the next key press ends it.
        s.status = nil
        if let b = s.keymap.binding(for: key, in: s.focus) {
            if let reason = unavailable(s, b.action) { setError(&s, reason); return [] }
            return perform(&s, b.action)
        }
        if s.readOnly, let b = s.fullKeymap.binding(for: key, in: s.focus), b.writes {
            setError(&s, "read-only: \(b.help) is disabled (started with --read-only)")
        }
        return []
    }

    /// Keeps every cursor inside its list after the size or the data changed.
    static func refit(_ s: inout ConsoleState) {
        s.scriptsCursor.clamp(count: s.scripts.count, height: s.listHeight(.scripts))
        s.users.cursor.clamp(count: s.users.count, height: s.listHeight(.users))
        s.reviewCursor.clamp(count: s.reviewRows.count, height: s.listHeight(.review))
        s.retryCursor.clamp(count: s.retryRows.count, height: s.listHeight(.retry))
    }

    static func setInfo(_ s: inout ConsoleState, _ text: String) { s.status = StatusMessage(text: text, isError: false, at: s.now) }

    /// Errors go to the status line and, as an event, to the log pane.
    static func setError(_ s: inout ConsoleState, _ text: String) {
        s.status = StatusMessage(text: text, isError: true, at: s.now)
    }

    static func logError(_ s: inout ConsoleState, _ text: String) {
        setError(&s, text)
        s.log.buffer.append(AccessEvent(time: s.now, level: .error, kind: .consoleError, script: s.selectedScript, message: text))
    }

    /// Rebuilds the derived tables from a new snapshot, keeping selections where they still exist.
    static func apply(_ s: inout ConsoleState, _ snap: ConsoleSnapshot) {
        let first = s.snapshot == nil
        let before = s.snapshot?.unreadable ?? [:]
        s.snapshot = snap
        // A script that does not read is shown empty; why goes to the Log once, not on every reload.
        for (id, why) in snap.unreadable.sorted(by: { $0.key < $1.key }) where before[id] != why {
            logError(&s, "\(scriptName(s, id)) is not shown: \(why)")
        }
        s.modes = ModeReport.newest(s.modes, snap.modes)
        s.runs.lock(heldBy: snap.others.lockHolder, ownPid: s.ownPid)
        s.daemon = snap.others.daemon
        if s.selectedScript == nil || !snap.scripts.contains(where: { $0.scriptId == s.selectedScript }) {
            s.selectedScript = snap.scripts.first?.scriptId
        }
        if let i = snap.scripts.firstIndex(where: { $0.scriptId == s.selectedScript }) { s.scriptsCursor.selected = i }
        s.users.load(s.selectedScript.flatMap { snap.usersIndex[$0] } ?? .empty)
        s.reviewRows = snap.scripts.flatMap { sc in sc.reviewQueue.values.map { ReviewRow(script: sc.scriptId, item: $0) } }
            .sorted { ($0.item.createdAt, $0.item.id) < ($1.item.createdAt, $1.item.id) }
        countExpiring(&s)
        // The first screen says where to start (a status line: the next key ends it).
        if first, s.status == nil {
            setInfo(&s, s.lastSync == nil && !s.readOnly ? "welcome: press S to sync purchases, Enter on a user for their story, ? for every key"
                        : "Enter on a user shows their story; ? lists every key")
        }
        s.retryRows = snap.scripts.flatMap { sc in sc.retryQueue.values.map { RetryRow(script: sc.scriptId, item: $0) } }
            .sorted { ($0.item.nextAttemptAt, $0.item.id) < ($1.item.nextAttemptAt, $1.item.id) }
        refit(&s)
    }

    static func countExpiring(_ s: inout ConsoleState) {
        let now = s.now.timeIntervalSince1970, soon = now + 7 * 86_400
        var counts: [String: Int] = [:]
        for sc in s.scripts {
            // The index's expiry column: at 100k users a pass over the summaries themselves costs ~10 ms.
            counts[sc.scriptId] = s.snapshot?.usersIndex[sc.scriptId]?.expiries.reduce(0) { n, e in e > now && e <= soon ? n + 1 : n } ?? 0
        }
        s.expiringSoon = counts
        s.expiringCountedAt = s.now
    }

    static func selectScript(_ s: inout ConsoleState, index: Int) {
        s.scriptsCursor.move(to: index, count: s.scripts.count, height: s.listHeight(.scripts))
        guard s.scripts.indices.contains(s.scriptsCursor.selected) else { return }
        let script = s.scripts[s.scriptsCursor.selected]
        guard script.scriptId != s.selectedScript else { return }
        s.selectedScript = script.scriptId
        s.users.marked = []
        s.users.load(s.snapshot?.usersIndex[script.scriptId] ?? .empty)
        s.users.cursor = Cursor()
    }
}
