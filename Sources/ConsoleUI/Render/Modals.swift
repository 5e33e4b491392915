import AccessCore
import Foundation

extension ConsoleRenderer {
    static func drawModal(_ screen: inout Screen, _ s: ConsoleState, _ modal: Modal) {
        let w = screen.size.width
        switch modal {
        case .help(let h):
            HelpOverlay.draw(&screen, s, h)
        case .filter:
            break   // drawn in the pane title, as you type
        case .command(let line):
            let y = screen.size.height - 2
            screen.fill(Rect(x: 0, y: y, width: w, height: 1))
            Dialog.field(&screen, label: ":", line.field, focused: true, x: 0, y: y, width: w)
            if !line.candidates.isEmpty {
                screen.fill(Rect(x: 0, y: y - 1, width: w, height: 1), style: .reverse)
                screen.put(" Tab: " + line.candidates.joined(separator: "  "), x: 0, y: y - 1, width: w, style: .reverse)
            }
        case .prompt(let p):
            let width = min(w - 4, 72)
            let error = p.error.map { Dialog.wrap("✗ " + $0, width: width - 4) } ?? []
            let info = p.lines.flatMap { Dialog.wrap($0, width: width - 4) }
            let top = info.isEmpty ? 0 : info.count + 1
            let inner = Dialog.frame(&screen, title: p.title, width: width, height: 6 + error.count + top)
            Dialog.lines(&screen, info, in: Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: info.count))
            Dialog.field(&screen, label: p.label + ":", p.field, focused: p.pending == nil, x: inner.x + 1, y: inner.y + 1 + top, width: inner.width - 2)
            Dialog.lines(&screen, error, in: Rect(x: inner.x + 1, y: inner.y + 3 + top, width: inner.width - 2, height: error.count),
                         style: Style(fg: .red, bold: true))
            let hint = p.pending != nil ? "working… Esc closes (the answer goes to the status line)"
                : p.field.selected ? "typing replaces the suggestion · ← edits it · Enter ok · Esc cancel" : "Enter ok · Esc cancel"
            screen.put(hint, x: inner.x + 1, y: inner.maxY - 1, style: .dim, clip: inner)
        case .termPicker(let t):
            TermPickerView.draw(&screen, s, t)
        case .confirm(let c):
            let height = min(screen.size.height - 4, c.lines.count + 5)
            let width = min(w - 4, max(44, (c.lines.map(CharWidth.of).max() ?? 0) + 4))
            let inner = Dialog.frame(&screen, title: c.title, width: width, height: height)
            Dialog.lines(&screen, c.lines, in: Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height - 2), scroll: c.scroll)
            Dialog.buttons(&screen, ["Cancel", c.confirmLabel], focused: c.focusOnConfirm ? 1 : 0, in: inner)
        case .typedConfirm(let c):
            let shown = min(c.lines.count, max(1, screen.size.height - 9))
            let inner = Dialog.frame(&screen, title: c.title, width: min(w - 4, 64), height: shown + 5)
            Dialog.lines(&screen, c.lines, in: Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: shown), scroll: c.scroll)
            Dialog.field(&screen, label: "Count:", c.field, focused: true, x: inner.x + 1, y: inner.y + shown + 1, width: 20)
            if shown < c.lines.count {
                screen.put("↑↓ scroll (\(c.lines.count - 1) users)", x: inner.x + 23, y: inner.y + shown + 1, style: .dim, clip: inner)
            }
        case .cookies(let form):
            let inner = Dialog.frame(&screen, title: "Update TradingView session cookies", width: min(w - 4, 70), height: 9)
            Dialog.lines(&screen, ["Paste each cookie of tradingview.com from a logged-in browser.",
                                   "They are tested with TradingView and saved only if they work."],
                         in: Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: 2), style: .dim)
            Dialog.field(&screen, label: "sessionid:     ", form.sessionid, focused: form.focus == 0,
                         x: inner.x + 1, y: inner.y + 3, width: inner.width - 2)
            Dialog.field(&screen, label: "sessionid_sign:", form.sessionidSign, focused: form.focus == 1,
                         x: inner.x + 1, y: inner.y + 4, width: inner.width - 2)
            if form.pending {
                screen.put("testing with TradingView… Esc closes", x: inner.x + 1, y: inner.y + 6, style: .dim, clip: inner)
            } else if let error = form.error {
                screen.put("✗ " + error, x: inner.x + 1, y: inner.y + 6, width: inner.width - 2, style: Style(fg: .red, bold: true))
            }
        case .userDetail(let d):
            UserDetailView.draw(&screen, s, d)
        case .logDetail(let e):
            let textWidth = min(w - 4, 100) - 4
            var lines = ["time:    \(Formats.dateTime(e.time))", "level:   \(e.level.rawValue)", "event:   \(e.name)",
                         "script:  \(e.script ?? "-")", "user:    \(e.user ?? "-")", "pid:     \(e.pid)"]
            // Long messages and fields wrap: an error someone has to act on is never cut off.
            lines += Dialog.wrap("message: \(e.message)", width: textWidth)
            lines += e.fields.sorted { $0.key < $1.key }.flatMap { Dialog.wrap("\($0.key): \($0.value)", width: textWidth) }
            let inner = Dialog.frame(&screen, title: "Event \(e.name)", width: min(w - 4, 100), height: min(screen.size.height - 4, lines.count + 3))
            Dialog.lines(&screen, lines, in: Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height))
        }
    }

    static func termLabel(_ t: AccessTerm) -> String {
        switch t {
        case .days(let n): return "\(n)D   \(n) days"
        case .months(let n): return "\(n)M   \(n) month\(n == 1 ? "" : "s")"
        case .years(let n): return "\(n)Y   \(n) year\(n == 1 ? "" : "s")"
        case .lifetime: return "lifetime"
        case .purchase: return "memberpress   the purchase's own end"
        }
    }
}

/// The `?` overlay: every binding of the keymap in force, grouped by where it works, each with the
/// `:` name that runs it; typing narrows it to the lines containing the text.
public enum HelpOverlay {
    public static func lines(_ keymap: Keymap, readOnly: Bool) -> [String] {
        var out: [String] = []
        if readOnly { out += ["Read-only: write keys are disabled.", ""] }
        let scopes: [KeyScope] = [.global] + Pane.allCases.map { .pane($0) }
        for scope in scopes {
            let rows = keymap.bindings.filter { $0.scope == scope }
            guard !rows.isEmpty else { continue }
            out.append(scope.label)
            var seen = Set<ConsoleAction>()
            for b in rows where seen.insert(b.action).inserted {
                let keys = rows.filter { $0.action == b.action }.map(\.key.label).joined(separator: " ")
                out.append("  " + Text.fit(keys, width: 10) + " " + Text.fit(":" + b.action.rawValue, width: 16) + " " + b.help
                           + (b.writes ? "  [write]" : ""))
            }
            out.append("")
        }
        out.append("Commands (: then Tab completes names, users, scripts; ↑↓ recall earlier lines)")
        let commands = [(":grant NAME [TERM]", "grant a user on the shown script"), (":extend NAME [TERM]", "extend a user"),
                        (":revoke NAME", "revoke a user"), (":validate NAME", "ask TradingView for a username"),
                        (":user NAME", "user detail: history, mails, queues"), (":search TEXT", "search users (n/N)"),
                        (":script ID", "show a script's users"), (":sync :resync :dry", "as S, s and d"),
                        (":ACTION", "any action above by its name"), (":quit", "quit")]
        let full = Keymap.standard
        for (c, what) in commands where !readOnly || !c.split(separator: " ").contains(where: { $0.hasPrefix(":") && full.verbWrites(String($0.dropFirst())) }) {
            out.append("  " + Text.fit(c, width: 27) + " " + what)
        }
        out.append("")
        out.append("In dialogs: Enter presses the focused button (Cancel first), Esc cancels.")
        out.append("Term picker: j/k (Home/End) choose a preset, or type one (45D, 2W, 18M, 1Y); it starts on none.")
        return out
    }

    /// The lines containing `query` (any case), with the scope heading each came from.
    public static func filtered(_ lines: [String], query: String) -> [String] {
        guard !query.isEmpty else { return lines }
        let q = query.lowercased()
        var out: [String] = []
        var heading: String?
        for l in lines {
            if !l.hasPrefix(" ") { heading = l.isEmpty ? nil : l; continue }
            if l.lowercased().contains(q) {
                if let h = heading { out.append(h); heading = nil }
                out.append(l)
            }
        }
        return out.isEmpty ? ["nothing in help contains \"\(query)\""] : out
    }

    static func draw(_ screen: inout Screen, _ s: ConsoleState, _ h: HelpView) {
        let lines = filtered(lines(s.keymap, readOnly: s.readOnly), query: h.query.text)
        let inner = Dialog.frame(&screen, title: "Help · type to search · Esc closes", width: min(screen.size.width - 4, 96),
                                 height: min(screen.size.height - 2, lines.count + 4))
        Dialog.field(&screen, label: "Search:", h.query, focused: true, x: inner.x + 1, y: inner.y, width: min(40, inner.width - 2))
        Dialog.lines(&screen, lines, in: Rect(x: inner.x + 1, y: inner.y + 2, width: inner.width - 2, height: inner.height - 2), scroll: h.scroll)
    }
}
