import AccessCore
import Foundation

/// Header, status line and footer.
extension ConsoleRenderer {
    static func drawHeader(_ screen: inout Screen, _ s: ConsoleState, _ rect: Rect) {
        let bar = Style(bold: true)
        screen.fill(rect, style: bar)
        var x = screen.put(" AccessConsole ", x: 0, y: rect.y, style: Style(fg: .cyan, bold: true))
        let config = s.snapshot?.configPath ?? "loading…"
        x = screen.put("│ " + URL(fileURLWithPath: config).lastPathComponent + " ", x: x, y: rect.y, style: bar)
        x = screen.put("│ ", x: x, y: rect.y, style: bar)
        switch s.modes?.dryRun {
        case true?: x = screen.put(" DRY RUN ", x: x, y: rect.y, style: Style(fg: .yellow, bold: true, reverse: true)) + 1
        case false?: x = screen.put("LIVE ", x: x, y: rect.y, style: Style(fg: .green, bold: true))
        case nil: x = screen.put("mode… ", x: x, y: rect.y, style: bar)
        }
        if s.readOnly { x = screen.put(" READ-ONLY ", x: x, y: rect.y, style: Style(bold: true, reverse: true)) + 1 }
        x = screen.put("│ ", x: x, y: rect.y, style: bar)
        x = screen.put(syncText(s, width: max(0, rect.width - x - 32)) + " ", x: x, y: rect.y, style: bar)
        let clock = Formats.clock(s.now)
        let badge = sessionBadge(s.session?.status ?? .unknown)
        let right = rect.width - CharWidth.of(clock) - 1
        let bx = right - CharWidth.of(badge.0) - 3
        if bx > x {
            screen.put("│ ", x: bx - 2, y: rect.y, style: bar)
            screen.put(badge.0, x: bx, y: rect.y, style: badge.1)
        }
        if right > x { screen.put(clock, x: right, y: rect.y, style: bar) }
    }

    static func sessionBadge(_ status: SessionStatusInfo.Status) -> (String, Style) {
        switch status {
        case .valid: return ("session ✓ valid", Style(fg: .green, bold: true))
        case .stale: return ("session ✗ STALE", Style(fg: .red, bold: true, reverse: true))
        case .unknown: return ("session ? unknown", Style(fg: .yellow))
        }
    }

    static func syncText(_ s: ConsoleState, width: Int) -> String {
        guard let run = s.runs.shown else {
            if let pid = s.runs.lockHolder { return "sync running (pid \(pid))" }
            // The read-back counts go last: on a narrow header they give way to the next sync.
            return fitParts(["sync idle", lastSyncText(s), nextSyncText(s)] + (lastSync(s)?.verification.map { [$0] } ?? []), width: width)
        }
        let p = run.progress
        let barWidth = max(4, min(20, width - 50))
        let filled = p.total > 0 ? min(barWidth, barWidth * p.done / p.total) : 0
        let bar = "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "]"
        var t = "\(p.kind.rawValue)\(p.dryRun ? " (dry)" : "") \(bar) \(p.done)/\(p.total) +\(p.granted) granted \(p.extended) ext \(p.review) review \(p.retry) retry"
        if let r = p.ratePerMinute { t += " \(Int(r.rounded()))/min" }
        if run.pid != ProcessInfo.processInfo.processIdentifier { t += " (pid \(run.pid))" }
        return t
    }

    /// When the last sync ended and how: this console's, another process's (from the log) or the
    /// daemon's last run, whichever is newest.
    static func lastSyncText(_ s: ConsoleState) -> String {
        guard let last = lastSync(s) else { return s.readOnly ? "no sync seen yet" : "no sync seen yet: press S" }
        return "last \(Formats.duration(s.now.timeIntervalSince(last.at))) ago \(last.result)"
    }

    /// The newest of this console's last sync and the daemon's last run.
    static func lastSync(_ s: ConsoleState) -> LastSync? {
        var last = s.lastSync
        if let run = s.daemon?.lastRun, let end = run.finishedAt, end > (last?.at ?? .distantPast) {
            last = LastSync(at: end, result: run.outcome == .done ? "ok" : run.outcome?.rawValue ?? "ended", ok: run.outcome == .done,
                            verification: run.summary?.verificationText)
        }
        return last
    }

    /// The daemon's next run, or that none is scheduled (this console syncs only on S).
    static func nextSyncText(_ s: ConsoleState) -> String {
        guard let next = s.daemon?.nextRunAt else { return "next: none" }
        return "next in \(Formats.duration(max(0, next.timeIntervalSince(s.now))))"
    }

    /// As many of `parts` as fit in `width`, joined by " · ".
    static func fitParts(_ parts: [String], width: Int) -> String {
        var out = ""
        for p in parts {
            let next = out.isEmpty ? p : out + " · " + p
            if !out.isEmpty, CharWidth.of(next) > width { break }
            out = next
        }
        return out
    }

    static func drawStatus(_ screen: inout Screen, _ s: ConsoleState, _ rect: Rect) {
        var right = ""
        if !s.inFlight.isEmpty { right = "⟳ " + (s.inFlight.count == 1 ? s.inFlight[0].description : "\(s.inFlight.count) running") + " " }
        let rw = CharWidth.of(right)
        if let st = s.status {
            let style = st.isError ? Style(fg: .red, bold: true) : .plain
            screen.put((st.isError ? " ✗ " : " • ") + st.text, x: 0, y: rect.y, width: max(0, rect.width - rw), style: style)
        }
        if rw > 0 { screen.put(right, x: rect.width - rw, y: rect.y, style: Style(fg: .cyan)) }
    }

    static func drawFooter(_ screen: inout Screen, _ s: ConsoleState, _ rect: Rect) {
        screen.fill(rect, style: .reverse)
        let hints: [(String, String)]
        if let modal = s.modal {
            hints = modalHints(modal)
        } else {
            let own = s.keymap.bindings.filter { $0.hint && $0.scope == .pane(s.focus) && ConsoleReducer.unavailable(s, $0.action) == nil }
            let global = s.keymap.bindings.filter { $0.hint && $0.scope == .global }
            hints = (own + global).map { ($0.key.label, $0.help.components(separatedBy: " (").first!.components(separatedBy: ": ").first!) }
                + [("Tab/1-6", "panes"), (":", "command")]
        }
        // `? help` always shows, at the right end: hints that do not fit before it are left out.
        let helpKey = s.modal == nil ? s.keymap.keys(for: .help).first?.label : nil
        let reserved = (helpKey.map { CharWidth.of($0) + 7 } ?? 0) + (s.readOnly ? 11 : 0)
        var x = 1
        for (key, help) in hints where !(s.modal == nil && key == helpKey) {
            let w = CharWidth.of(key) + CharWidth.of(help) + 3
            if x + w > rect.width - reserved { break }
            x = screen.put(key, x: x, y: rect.y, style: Style(bold: true, reverse: true))
            x = screen.put(" " + help + "  ", x: x, y: rect.y, style: .reverse)
        }
        var right = rect.width
        if s.readOnly, rect.width > 12 {
            right -= 11
            screen.put(" read-only ", x: right, y: rect.y, style: Style(bold: true))
        }
        if let helpKey, right - reserved > 0 || rect.width >= 20 {
            let hx = right - CharWidth.of(helpKey) - 6
            let after = screen.put(helpKey, x: hx, y: rect.y, style: Style(bold: true, reverse: true))
            screen.put(" help ", x: after, y: rect.y, style: .reverse)
        }
    }

    static func modalHints(_ modal: Modal) -> [(String, String)] {
        switch modal {
        case .help: return [("type", "search"), ("↑↓", "scroll"), ("Esc", "clear / close")]
        case .filter: return [("type", "filter"), ("Enter", "keep"), ("Esc", "clear")]
        case .command: return [("Enter", "run"), ("Tab", "complete"), ("↑↓", "history"), ("Esc", "cancel"), ("", "grant NAME 1M · user NAME · script ID")]
        case .prompt: return [("Enter", "ok"), ("Esc", "cancel"), ("ctrl-u", "clear")]
        case .termPicker: return [("j/k", "choose"), ("45D 2W 1Y", "type"), ("Enter", "apply"), ("Esc", "cancel")]
        case .confirm: return [("←→", "choose"), ("Enter", "press button"), ("Esc", "cancel")]
        case .typedConfirm: return [("type count", "confirm"), ("Enter", "ok"), ("Esc", "cancel")]
        case .cookies: return [("Tab", "next field"), ("Enter", "next / test and save"), ("Esc", "cancel")]
        case .logDetail: return [("Esc", "close")]
        case .userDetail: return [("j/k", "scroll"), ("Esc", "close")]
        }
    }
}
