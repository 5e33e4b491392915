import AccessCore
import Foundation

extension ConsoleReducer {
    static func handleResult(_ s: inout ConsoleState, _ effect: Effect, _ outcome: EffectOutcome) -> [Effect] {
        settleDialog(&s, effect, outcome)
        switch outcome {
        case .overview(let snap):
            apply(&s, snap)
            if s.reloadAsked {
                s.reloadAsked = false
                let users = snap.scripts.reduce(0) { $0 + $1.users.count }
                setInfo(&s, "reloaded \(snap.scripts.count) script\(snap.scripts.count == 1 ? "" : "s"), \(Formats.count(users)) users at \(Formats.clock(s.now))")
            }
            return []
        case .message(let text):
            setInfo(&s, text)
            // A bulk action that worked is done with its marks; a failed one keeps them for another try.
            switch effect {
            case .command(.extend(_, let users, _)) where users.count > 1, .command(.revoke(_, let users)) where users.count > 1:
                s.users.marked = []
            default: break
            }
            return effect.isWrite ? [.loadOverview] : []
        case .validated(let input, let canonical):
            if let canonical {
                setInfo(&s, canonical == input ? "\(input) is a TradingView user" : "\(input) is a TradingView user, spelled \(canonical)")
            } else {
                setError(&s, "no TradingView user is named \(input)")
            }
            return []
        case .firstRunPlan(let p):
            s.modal = .confirm(Confirm(
                title: "First run: TradingView compared with every purchase",
                lines: ["\(p.adopted) users already hold what they paid for: recorded, no write",
                        "\(p.writes) users hold less than they paid for: one write each, to what they paid",
                        "\(p.review) items for review (more than paid is listed, never cut; refunds; bad names)",
                        "Nothing is written until you confirm."],
                confirmLabel: "Run it", effect: .syncNow(dryRun: false)))
            return []
        case .resyncDiff(let diff):
            let name = scriptName(s, diff.script)
            if diff.isEmpty { setInfo(&s, "\(name) is in step with TradingView"); return [] }
            let lines = ["Apply does, per row (local = master data):"] + diff.rows.flatMap { r in
                ["\(r.kind.rawValue): \(r.username)  local \(expiryText(r.localExpiry, r.kind == .unknownLocal))  remote \(expiryText(r.remoteExpiry, r.kind == .missingRemote))",
                 "  -> " + r.applyText(dryRun: s.dryRun)]
            }
            s.modal = .confirm(Confirm(title: "Resync \(name): \(diff.rows.count) difference\(diff.rows.count == 1 ? "" : "s")",
                                       lines: lines, confirmLabel: "Apply", effect: .command(.resync(script: diff.script, apply: true))))
            return []
        case .session(let info):
            s.snapshot?.session = info
            if case .setCookies = effect {
                if info.status == .valid { setInfo(&s, "cookies tested and saved" + (info.account.map { " (account \($0))" } ?? "")) }
                else { logError(&s, "TradingView rejected the new cookies; nothing saved" + (info.lastResult.map { ": \($0)" } ?? "")) }
            } else {
                let detail = info.lastResult.map { ": \($0)" } ?? ""
                if info.status == .valid { setInfo(&s, "session valid\(detail)") } else { setError(&s, "session \(info.status.rawValue)\(detail)") }
            }
            return []
        case .modes(let report):
            s.modes = ModeReport.newest(s.modes, report)
            let m = s.modes!
            setInfo(&s, m.dryRun ? "dry run on: writes are logged, none is sent" : "dry run off: writes go to TradingView")
            return []
        case .others(let others):
            s.runs.lock(heldBy: others.lockHolder, ownPid: s.ownPid)
            s.daemon = others.daemon
            return []
        case .story(let story):
            guard case .userDetail(var d) = s.modal, case .userStory(d.script, let u) = effect, u == d.username else { return [] }
            d.story = story; d.loaded = true
            s.modal = .userDetail(d)
            // The history shows at once; what the purchases entitle follows from MemberPress.
            return story.map { [.userEntitlement($0)] } ?? []
        case .entitlement(let entitled):
            guard case .userDetail(var d) = s.modal, case .userEntitlement(let asked) = effect,
                  asked.script == d.script, asked.username == d.story?.username else { return [] }
            d.story?.entitled = entitled
            s.modal = .userDetail(d)
            return []
        case .failed(let message):
            if case .userDetail(var d) = s.modal, case .userStory(d.script, d.username) = effect {
                d.loaded = true; d.error = message; s.modal = .userDetail(d)
                return []
            }
            if case .userEntitlement = effect { return [] }   // cannot throw; the detail says "not read"
            logError(&s, "\(effect.description) failed: \(message)")
            return effect.isWrite ? [.loadOverview] : []
        }
    }

    /// A dialog waiting for this effect closes when it worked, and stays with the reason when it failed.
    static func settleDialog(_ s: inout ConsoleState, _ effect: Effect, _ outcome: EffectOutcome) {
        switch s.modal {
        case .prompt(var p) where p.pending == effect:
            if case .failed(let message) = outcome {
                p.pending = nil
                p.error = message
                s.modal = .prompt(p)
            } else {
                s.modal = nil
            }
        case .cookies(var form) where form.pending:
            guard case .setCookies = effect else { return }
            switch outcome {
            case .session(let info) where info.status == .valid: s.modal = nil   // the secrets leave the state here
            case .session(let info): form.pending = false; form.error = "rejected: " + (info.lastResult ?? "TradingView said no"); s.modal = .cookies(form)
            case .failed(let message): form.pending = false; form.error = message; s.modal = .cookies(form)
            default: s.modal = nil
            }
        default: break
        }
    }

    static func expiryText(_ d: Date?, _ absent: Bool) -> String {
        if absent { return "—" }
        guard let d else { return "lifetime" }
        return Formats.day(d)
    }

    /// Appends a batch of core events to the log and follows runs and the session.
    static func handleCore(_ s: inout ConsoleState, _ events: [AccessEvent]) -> [Effect] {
        var reload = false
        for e in events {
            s.log.buffer.append(e)
            if let end = e.runEnd, end.kind == .sync { s.lastSync = LastSync(e, end.summary) }
            else if e.kind == .runFailed, e.runEnd?.kind ?? .sync == .sync { s.lastSync = LastSync(at: e.time, result: "failed", ok: false) }
            if s.runs.take(e) { reload = true }
            // A run's changes show when it ends (above); a lone write of another process shows at the next tick.
            else if e.pid != s.ownPid, e.kind.changesMasterData, !s.runs.active.values.contains(where: { $0.pid == e.pid }) {
                s.othersChangedData = true
            }
            switch e.kind {
            case .sessionStale:
                s.snapshot?.session.status = .stale
                s.snapshot?.session.lastResult = e.message
                setError(&s, "TradingView session stale: press 5 then u to paste new cookies")
            case .sessionValid, .cookiesSaved:
                s.snapshot?.session.status = .valid
            default: break
            }
        }
        if reload { s.othersChangedData = false }
        return reload ? [.loadOverview] : []
    }
}

extension ResyncDiff.Row {
    /// What Apply does with this row and which side wins, by the core's rule (`Reconciler.apply`):
    /// a user missing on TradingView is granted, an unknown one adopted, and a mismatch set to
    /// master data's expiry unless TradingView's is later.
    /// `ExpiryMismatch.remoteIsLater`: lifetime on TradingView is later than any date here.
    var remoteIsLater: Bool {
        switch (localExpiry, remoteExpiry) {
        case (_, nil): return localExpiry != nil
        case (nil, _): return false
        case let (l?, r?): return r > l
        }
    }

    func applyText(dryRun: Bool) -> String {
        let would = dryRun ? "would " : ""
        switch kind {
        case .missingRemote:
            return "\(would)grant on TradingView until \(ConsoleReducer.expiryText(localExpiry, false)) (master data wins)"
        case .unknownLocal:
            return "\(would)adopt \(ConsoleReducer.expiryText(remoteExpiry, false)) locally, no write (TradingView wins)"
        case .expiryMismatch:
            if remoteIsLater {
                return "\(would)keep TradingView's later \(ConsoleReducer.expiryText(remoteExpiry, false)) (TradingView wins)"
            }
            return "\(would)set TradingView to \(ConsoleReducer.expiryText(localExpiry, false)) (master data wins)"
        }
    }
}

extension LastSync {
    /// From a run's end: "done +3", "done +3, 2 to review", "stale session", "1 failed".
    init(_ e: AccessEvent, _ sum: SyncSummary) {
        at = e.time
        ok = !sum.stale && sum.failed == 0
        // Short: the header is narrow, and the Review and Retry panes count what waits.
        var text = sum.stale ? "stopped, session stale" : sum.failed > 0 ? "\(sum.failed) failed" : "ok +\(sum.granted + sum.extended)"
        if sum.dryRun { text += " (dry)" }
        result = text
        verification = sum.verificationText
    }
}
