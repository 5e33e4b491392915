import AccessCore
import Foundation

/// One function per pane; each draws a Box and its content into its Rect, touching only visible rows.
enum PaneViews {
    static func title(_ pane: Pane, _ extra: String) -> String {
        "\(pane.rawValue) \(pane.title)" + (extra.isEmpty ? "" : " · " + extra)
    }

    static func scripts(_ screen: inout Screen, _ s: ConsoleState, _ rect: Rect, _ focused: Bool) {
        Box.draw(&screen, rect, title: title(.scripts, "\(s.scripts.count)"), focused: focused)
        let scripts = s.scripts
        let table = Table(columns: [TableColumn("Script", width: 8, flex: 1, priority: 20),
                                    TableColumn("Users", width: 7, alignRight: true, priority: 15),
                                    TableColumn("≤7d", width: 4, alignRight: true, priority: 12),
                                    TableColumn("Rev", width: 3, alignRight: true, priority: 5),
                                    TableColumn("Rty", width: 3, alignRight: true, priority: 4)],
                          count: scripts.count, cursor: s.scriptsCursor, focused: focused)
        table.draw(&screen, rect.inner) { row, col in
            let sc = scripts[row]
            switch col {
            case 0:
                let name = (sc.title?.isEmpty == false ? sc.title! : sc.scriptId)
                return (name, Style(bold: sc.scriptId == s.selectedScript))
            case 1:
                if s.snapshot?.unreadable[sc.scriptId] != nil { return ("error", Style(fg: .red, bold: true)) }
                return (Formats.shortCount(sc.users.count), .plain)
            case 2:
                let n = s.expiringSoon[sc.scriptId] ?? 0
                return (String(n), n > 0 ? Style(fg: .yellow) : .plain)
            case 3: return (String(sc.reviewQueue.count), sc.reviewQueue.isEmpty ? .dim : Style(fg: .magenta, bold: true))
            default: return (String(sc.retryQueue.count), sc.retryQueue.isEmpty ? .dim : Style(fg: .yellow, bold: true))
            }
        }
    }

    static func users(_ screen: inout Screen, _ s: ConsoleState, _ rect: Rect, _ focused: Bool) {
        let u = s.users
        var extra = s.currentScript.map { ($0.title?.isEmpty == false ? $0.title! : $0.scriptId) } ?? "no script"
        if let id = s.selectedScript, s.snapshot?.unreadable[id] != nil { extra += " · unreadable: see the Log" }
        extra += " · " + (u.filter.isEmpty ? Formats.count(u.rows.count) : "\(Formats.count(u.count)) of \(Formats.count(u.rows.count))")
        if !u.filter.isEmpty || s.modal == .filter(.users) { extra += " · /" + u.filter + (s.modal == .filter(.users) ? "▏" : "") }
        if !u.marked.isEmpty { extra += " · \(u.marked.count) marked" }
        // The daemon's last audit: users whose access on TradingView differs from master data (issue 18).
        let drifted = s.selectedScript.flatMap { s.snapshot?.others.drifted[$0] } ?? []
        if !drifted.isEmpty { extra += " · \(drifted.count) differ on TradingView" }
        Box.draw(&screen, rect, title: title(.users, extra), focused: focused)
        let table = Table(columns: [TableColumn("Username", width: 12, flex: 2, priority: 20),
                                    TableColumn("Email", width: 12, flex: 2, priority: 6),
                                    TableColumn("Expiry", width: 10, priority: 15),
                                    TableColumn("Days", width: 5, alignRight: true, priority: 14),
                                    TableColumn("Status", width: 8, priority: 13),
                                    TableColumn("Last action", width: 11, flex: 1, priority: 5)],
                          count: u.count, cursor: u.cursor, focused: focused,
                          sort: (u.sortColumn.rawValue, u.ascending))
        if u.rows.isEmpty, s.snapshot != nil {
            // An empty script (the demo's first screen): say what to press rather than show nothing.
            let hint = s.readOnly ? ["No users in this script yet.", "A sync (access-console sync, or the daemon) fills it."]
                : ["No users in this script yet.", "Press S to sync purchases from MemberPress,", "g to grant one by hand, ? for every key."]
            let inner = rect.inner
            for (i, line) in hint.prefix(max(0, inner.height - 1)).enumerated() {
                screen.put(line, x: inner.x + 2, y: inner.y + 1 + i, width: inner.width - 3, style: i == 0 ? .bold : .plain)
            }
            return
        }
        table.draw(&screen, rect.inner, marked: { u.row(at: $0).map(u.isMarked) ?? false }) { row, col in
            guard let r = u.row(at: row) else { return ("", .plain) }
            let status = UserStatus.of(r, now: s.now)
            let tone: Style = switch status {
            case .revoked: .dim
            case .expired: Style(fg: .red, bold: true)
            case .expiring: Style(fg: .yellow, bold: true)
            case .lifetime: Style(fg: .cyan)
            case .active: .plain
            }
            switch UserColumn(rawValue: col)! {
            case .username: return (r.username, .plain)
            case .email: return (r.email, .plain)
            case .expiry: return (r.expiry.map(Formats.day) ?? "lifetime", tone)
            case .daysLeft:
                if status == .revoked { return ("—", tone) }
                return (r.expiry.map { String(Formats.daysLeft($0, now: s.now)) } ?? "∞", tone)
            case .status:
                if drifted.contains(Username.key(r.username)) { return ("drift", Style(fg: .magenta, bold: true)) }
                return (status.label, tone)
            case .lastAction:
                let when = r.lastActionAt.map { " " + Formats.duration(s.now.timeIntervalSince($0)) } ?? ""
                return (r.lastAction + when, .dim)
            }
        }
    }

    static func review(_ screen: inout Screen, _ s: ConsoleState, _ rect: Rect, _ focused: Bool) {
        Box.draw(&screen, rect, title: title(.review, "\(s.reviewRows.count)"), focused: focused)
        let rows = s.reviewRows
        let table = Table(columns: [TableColumn("Reason", width: 8, priority: 15),
                                    TableColumn("Typed", width: 12, flex: 2, priority: 20),
                                    TableColumn("Email", width: 12, flex: 2, priority: 8),
                                    TableColumn("Txn", width: 8, priority: 6),
                                    TableColumn("Script", width: 8, flex: 1, priority: 14),
                                    TableColumn("Age", width: 4, alignRight: true, priority: 12),
                                    TableColumn("Mailed", width: 6, alignRight: true, priority: 11)],
                          count: rows.count, cursor: s.reviewCursor, focused: focused)
        table.draw(&screen, rect.inner) { row, col in
            let r = rows[row]
            switch col {
            case 0:
                let reason = switch r.item.reason { case .invalidUsername: "bad name"; case .refund: "refund"; case .conflict: "conflict"; case .excess: "excess" }
                return (reason, Style(fg: r.item.reason == .invalidUsername ? .magenta : .yellow))
            case 1: return (r.item.typedName, .bold)
            case 2: return (r.item.email, .plain)
            case 3: return (r.item.transactionId, .dim)
            case 4: return (ConsoleReducer.scriptName(s, r.script), .dim)
            case 5: return (Formats.duration(s.now.timeIntervalSince(r.item.createdAt)), .plain)
            default:   // when the invalid-username mail last went out: m sends it again
                return (r.item.emailSentAt.map { Formats.duration(s.now.timeIntervalSince($0)) } ?? "never", .dim)
            }
        }
    }

    static func retry(_ screen: inout Screen, _ s: ConsoleState, _ rect: Rect, _ focused: Bool) {
        Box.draw(&screen, rect, title: title(.retry, "\(s.retryRows.count)"), focused: focused)
        let rows = s.retryRows
        let table = Table(columns: [TableColumn("Action", width: 6, priority: 15),
                                    TableColumn("User", width: 10, flex: 1, priority: 20),
                                    TableColumn("Script", width: 6, flex: 1, priority: 13),
                                    TableColumn("Try", width: 3, alignRight: true, priority: 7),
                                    TableColumn("Next", width: 6, priority: 11),
                                    TableColumn("Last error", width: 10, flex: 2, priority: 10)],
                          count: rows.count, cursor: s.retryCursor, focused: focused)
        table.draw(&screen, rect.inner) { row, col in
            let r = rows[row].item
            switch col {
            case 0: return (r.operation.rawValue, .plain)
            case 1: return (r.username, .bold)
            case 2: return (ConsoleReducer.scriptName(s, rows[row].script), .dim)
            case 3: return (String(r.attempts), .plain)
            case 4:
                let d = r.nextAttemptAt.timeIntervalSince(s.now)
                return (d <= 0 ? "due" : "in " + Formats.duration(d), .plain)
            default: return (r.lastError, Style(fg: .red))
            }
        }
    }

    static func session(_ screen: inout Screen, _ s: ConsoleState, _ rect: Rect, _ focused: Bool) {
        Box.draw(&screen, rect, title: title(.session, ""), focused: focused)
        let inner = rect.inner
        guard let info = s.session else {
            screen.put("loading…", x: inner.x + 1, y: inner.y, style: .dim, clip: inner)
            return
        }
        let badge = ConsoleRenderer.sessionBadge(info.status)
        var lines: [(String, Style)] = [(badge.0, badge.1)]
        lines.append(("Account: " + (info.account ?? "unknown"), .plain))
        if let c = info.lastCheck {
            lines.append(("Checked \(Formats.duration(s.now.timeIntervalSince(c))) ago" + (info.lastResult.map { ": \($0)" } ?? ""), .plain))
        } else {
            lines.append(("Not checked yet (t tests)", .dim))
        }
        if info.status == .stale { lines.insert(("Press u for new cookies", Style(fg: .red, bold: true)), at: 1) }
        lines.append((info.cookiesSavedAt.map { "Cookies \(Formats.duration(s.now.timeIntervalSince($0))) old" } ?? "No cookies saved (u)", .plain))
        if let d = s.daemon, let watch = watchText(d, now: s.now) { lines.append((watch, .plain)) }
        if let d = s.daemon { lines += daemonLines(d, now: s.now) }
        for (i, (text, style)) in lines.prefix(inner.height).enumerated() {
            screen.put(text, x: inner.x + 1, y: inner.y + i, width: inner.width - 1, style: style)
        }
    }

    /// A daemon on the same data folder: where it listens, its last and next run, its webhooks.
    static func daemonLines(_ d: DaemonStatusFile, now: Date) -> [(String, Style)] {
        var lines: [(String, Style)] = [("Daemon pid \(d.pid) on \(d.listen)", Style(fg: .cyan, bold: true))]
        if let run = d.lastRun {
            let when = Formats.duration(now.timeIntervalSince(run.finishedAt ?? run.startedAt))
            let outcome = run.outcome?.rawValue ?? "running"
            let what = run.summary.map { " +\($0.granted + $0.extended)" + ($0.verificationText.map { ", " + $0 } ?? "") } ?? ""
            lines.append(("Last run \(when) ago: \(outcome)\(what)", run.outcome == .done ? .plain : Style(fg: .yellow, bold: true)))
        } else {
            lines.append(("No run yet", .dim))
        }
        // The pane is narrow: next run and webhooks share a line.
        let next = d.nextRunAt.map { "Next \(Formats.duration(max(0, $0.timeIntervalSince(now)))) · " } ?? ""
        let received = d.webhookCounts.values.reduce(0) { $0 + $1.values.reduce(0, +) }
        lines.append((next + "\(received) webhooks, \(d.webhookPending) pending", .plain))
        return lines
    }

    /// The daemon's session watch, short for the narrow pane: "Watch: checked 4m ago, next 26m" (nil
    /// before its first word).
    static func watchText(_ d: DaemonStatusFile, now: Date) -> String? {
        guard d.watchLastCheck != nil || d.watchNextCheck != nil else { return nil }
        let last = d.watchLastCheck.map { "checked \(Formats.duration(max(0, now.timeIntervalSince($0)))) ago" } ?? "not checked"
        let next = d.watchNextCheck.map { ", next \(Formats.duration(max(0, $0.timeIntervalSince(now))))" } ?? ""
        return "Watch: " + last + next
    }

    static func levelStyle(_ level: EventLevel) -> Style {
        switch level {
        case .debug: return .dim
        case .info: return .plain
        case .notice: return Style(fg: .cyan)
        case .warning: return Style(fg: .yellow, bold: true)
        case .error: return Style(fg: .red, bold: true)
        }
    }

    static func log(_ screen: inout Screen, _ s: ConsoleState, _ rect: Rect, _ focused: Bool) {
        var extra = s.log.following ? "following" : "PAUSED"
        if s.log.minLevel != .debug { extra += " · ≥\(s.log.minLevel.rawValue)" }
        if !s.log.filter.isEmpty || s.modal == .filter(.log) { extra += " · /" + s.log.filter + (s.modal == .filter(.log) ? "▏" : "") }
        Box.draw(&screen, rect, title: title(.log, extra), focused: focused)
        let inner = rect.inner
        let window = s.log.window(height: inner.height - 1)
        let table = Table(columns: [TableColumn("Time", width: 8, priority: 15),
                                    TableColumn("Level", width: 7, priority: 14),
                                    TableColumn("Event", width: 14, priority: 13),
                                    TableColumn("Script", width: 10, priority: 6),
                                    TableColumn("User", width: 12, priority: 8),
                                    TableColumn("Message", width: 10, flex: 1, priority: 20)],
                          count: window.count,
                          cursor: Cursor(selected: s.log.following ? -1 : window.count - 1, top: 0), focused: focused)
        table.draw(&screen, inner) { row, col in
            let e = window[row].entry.event
            let ls = levelStyle(e.level)
            switch col {
            case 0: return (Formats.clock(e.time), .dim)
            case 1: return (e.level.rawValue, ls)
            case 2: return (e.name, .plain)
            case 3: return (e.script.map { ConsoleReducer.scriptName(s, $0) } ?? "", .dim)   // titles read better than pine ids
            case 4: return (e.user ?? "", .plain)
            default: return (e.message, ls)
            }
        }
    }
}
