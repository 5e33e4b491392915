import AccessCore
import Foundation

extension ConsoleReducer {
    static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [Effect] {
        switch action {
        case .quit:
            let writes = s.inFlight.filter(\.isWrite)
            if writes.isEmpty { return [.quit] }
            s.modal = .confirm(Confirm(title: "Quit?", lines: ["Still running: " + writes.map(\.description).joined(separator: ", "),
                                                               "Quitting now leaves them to finish or fail unseen."],
                                       confirmLabel: "Quit", effect: .quit))
        case .help: s.modal = .help(HelpView())
        case .nextPane: s.focus = s.focus.next
        case .prevPane: s.focus = s.focus.previous
        case .focusScripts: s.focus = .scripts
        case .focusUsers: s.focus = .users
        case .focusReview: s.focus = .review
        case .focusRetry: s.focus = .retry
        case .focusSession: s.focus = .session
        case .focusLog: s.focus = .log
        case .zoom: s.zoomed.toggle(); refit(&s)
        case .command: s.modal = .command(CommandLine())
        case .searchNext, .searchPrevious:
            guard !s.search.isEmpty else {
                s.modal = .prompt(Prompt(title: "Search users (n next, N previous; the filter / hides the rest instead)",
                                         label: "Find", field: TextField(), purpose: .search))
                return []
            }
            findMatch(&s, forward: action == .searchNext)
        case .clear:
            if s.focus == .log, !s.log.filter.isEmpty { s.log.filter = ""; setInfo(&s, "log filter cleared"); return [] }
            if !s.users.filter.isEmpty { setFilter(&s, .users, ""); setInfo(&s, "filter cleared: every user shows"); return [] }
            if !s.search.isEmpty { s.search = ""; setInfo(&s, "search cleared"); return [] }
            guard !s.users.marked.isEmpty else { return [] }
            s.users.marked = []
            setInfo(&s, "marks cleared")
        case .filter:
            switch s.focus {
            case .users: s.modal = .filter(.users)
            case .log: s.modal = .filter(.log)
            default: setInfo(&s, "/ filters the Users and Log panes: press 2 or 6 first")
            }
        case .refresh:
            s.reloadAsked = true
            setInfo(&s, "reloading master data, session and modes…")
            return [.loadOverview]
        case .up: move(&s, by: -1)
        case .down: move(&s, by: 1)
        case .pageUp: move(&s, by: -s.listHeight(s.focus))
        case .pageDown: move(&s, by: s.listHeight(s.focus))
        case .top: move(&s, by: -Int(Int32.max))
        case .bottom: move(&s, by: Int(Int32.max))
        case .validate:
            let guess = s.focus == .review ? s.selectedReview?.item.typedName : s.users.selected?.username
            s.modal = .prompt(Prompt(title: "Validate a TradingView username", label: "Username",
                                     field: .prefilled(guess ?? ""), purpose: .validate))
        case .grant:
            guard let script = requireScript(&s) else { return [] }
            s.modal = .prompt(Prompt(title: "Grant access to \(scriptName(s, script))", label: "TradingView username",
                                     field: TextField(), purpose: .grantName(script: script)))
        case .syncNow:
            // A first run compares TradingView with every purchase: its plan shows before anything is written.
            if !s.dryRun, s.scripts.contains(where: { !$0.bootstrapped }) {
                setInfo(&s, "first run: working out what it would do (a dry run, nothing written)…")
                return [.firstRunPreview]
            }
            return [.syncNow(dryRun: s.dryRun)]
        case .dryRun:
            // The mode changes between writes, never under one: the header must match what runs.
            if let running = s.inFlight.first(where: \.isWrite) {
                setError(&s, "still \(s.dryRun ? "dry run" : "live") while \(running.description) runs; press d again when it is done")
                return []
            }
            guard let modes = s.modes else { setError(&s, "still loading; press d again in a moment"); return [] }
            setInfo(&s, modes.dryRun ? "going live…" : "switching to dry run…")
            return [.setDryRun(!modes.dryRun)]
        case .resync:
            guard let script = requireScript(&s) else { return [] }
            setInfo(&s, "comparing \(scriptName(s, script)) with TradingView…")
            return [.resyncPreview(script: script)]
        case .selectScript:
            selectScript(&s, index: s.scriptsCursor.selected)
            s.focus = .users
        case .userDetail:
            guard let script = requireScript(&s) else { return [] }
            guard let row = s.users.selected else { setError(&s, "no user selected"); return [] }
            return openUserDetail(&s, script: script, username: row.username)
        case .extend:
            guard let script = requireScript(&s) else { return [] }
            let targets = s.users.targets
            guard !targets.isEmpty else { setError(&s, "no user selected"); return [] }
            let who = targets.count == 1 ? targets[0] : "\(targets.count) marked users"
            openTermPicker(&s, title: "Extend \(who) on \(scriptName(s, script))", target: .extend(script: script, users: targets))
        case .revoke:
            guard let script = requireScript(&s) else { return [] }
            return revoke(&s, script: script, users: s.users.targets)
        case .mark:
            s.users.toggleMark()
            move(&s, by: 1)
            setInfo(&s, "\(s.users.marked.count) marked: e extends, r revokes them all; Esc clears")
        case .copyUsername, .copyEmail:
            guard let row = s.users.selected else { setError(&s, "no user selected"); return [] }
            let text = action == .copyUsername ? row.username : row.email
            guard !text.isEmpty else { setError(&s, "\(row.username) has no email on record"); return [] }
            switch s.clipboard {
            case .osc52:
                setInfo(&s, "sent \(text) to the terminal's clipboard (OSC 52)")
                return [.copyToClipboard(text)]
            case .tmuxBlocks:
                // tmux drops OSC 52 unless set-clipboard is on: claiming a copy would be a lie.
                setInfo(&s, "tmux passes no clipboard on (tmux set -g set-clipboard on); the text: \(text)")
                return []
            }
        case .sortNext:
            let next = UserColumn(rawValue: (s.users.sortColumn.rawValue + 1) % UserColumn.allCases.count)!
            s.users.sort(by: next, ascending: true)
            s.users.cursor.clamp(count: s.users.count, height: s.listHeight(.users))
            setInfo(&s, "sorted by \(next.title)")
        case .sortReverse:
            s.users.sort(by: s.users.sortColumn, ascending: !s.users.ascending)
            s.users.cursor.clamp(count: s.users.count, height: s.listHeight(.users))
            setInfo(&s, "sorted by \(s.users.sortColumn.title) \(s.users.ascending ? "ascending" : "descending")")
        case .reviewFix:
            guard let r = s.selectedReview else { setError(&s, "the review queue is empty"); return [] }
            let suggestion = Username.normalize(r.item.typedName) ?? r.item.typedName
            // The dialog says what Enter writes: which script, which term (the purchase's), for whom.
            s.modal = .prompt(Prompt(title: "Fix username for \(r.item.email) (typed \"\(r.item.typedName)\")",
                                     label: "TradingView username", field: .prefilled(suggestion),
                                     purpose: .reviewFix(script: r.script, id: r.item.id),
                                     lines: ["Grants \(r.item.term?.description ?? "the product's term") on \(scriptName(s, r.script)) (purchase \(r.item.transactionId))"
                                             + (s.dryRun ? ", dry run: logged only" : ""),
                                             "once TradingView confirms the name."]))
        case .reviewResend:
            guard let r = s.selectedReview else { setError(&s, "the review queue is empty"); return [] }
            let effect = Effect.command(.resendReviewEmail(script: r.script, id: r.item.id))
            // A mail sent within the hour is probably still on its way: asking first avoids a flood.
            if let sent = r.item.emailSentAt, s.now.timeIntervalSince(sent) < 3600 {
                s.modal = .confirm(Confirm(title: "Send the mail again?",
                                           lines: ["The invalid-username mail to \(r.item.email) went out \(Formats.duration(s.now.timeIntervalSince(sent))) ago.",
                                                   "Send it again now?"],
                                           confirmLabel: "Send again", effect: effect))
                return []
            }
            setInfo(&s, "sending the mail to \(r.item.email) (last sent: " + (r.item.emailSentAt.map { Formats.duration(s.now.timeIntervalSince($0)) + " ago" } ?? "never") + ")…")
            return [effect]
        case .reviewDismiss:
            guard let r = s.selectedReview else { setError(&s, "the review queue is empty"); return [] }
            s.modal = .prompt(Prompt(title: "Dismiss review \(r.item.id) (\(r.item.email))", label: "Reason",
                                     field: TextField(), purpose: .reviewDismiss(script: r.script, id: r.item.id)))
        case .retryNow:
            guard let r = s.selectedRetry else { setError(&s, "the retry queue is empty"); return [] }
            return [.command(.retryNow(script: r.script, id: r.item.id))]
        case .retryDrop:
            guard let r = s.selectedRetry else { setError(&s, "the retry queue is empty"); return [] }
            s.modal = .confirm(Confirm(title: "Drop retry",
                                       lines: ["Drop the \(r.item.operation.rawValue) of \(r.item.username) on \(scriptName(s, r.script))?",
                                               "It will not be tried again."],
                                       confirmLabel: "Drop", effect: .command(.dropRetry(script: r.script, id: r.item.id))))
        case .retryAll:
            guard !s.retryRows.isEmpty else { setError(&s, "the retry queue is empty"); return [] }
            return [.command(.retryAll(script: nil))]
        case .sessionTest: return [.testSession]
        case .sessionUpdate: s.modal = .cookies(CookieForm())
        case .logFollow:
            if s.log.following { s.log.selectedSeq = s.log.anchor; setInfo(&s, "log paused: p follows again") }
            else { s.log.selectedSeq = nil; setInfo(&s, "log following new events") }
        case .logLevel:
            let all = EventLevel.allCases
            s.log.minLevel = all[(all.firstIndex(of: s.log.minLevel)! + 1) % all.count]
            setInfo(&s, "log shows \(s.log.minLevel.rawValue) and above")
        case .logDetail:
            guard let seq = s.log.anchor, let e = s.log.buffer[seq] else { return [] }
            s.modal = .logDetail(e.event)
        case .logProgress:
            s.log.showProgress.toggle()
            setInfo(&s, s.log.showProgress ? "log shows sync.progress lines" : "log hides sync.progress lines (the header shows progress)")
        }
        return []
    }

    /// Why an action makes no sense for what is selected (nil: it does). The footer leaves such
    /// actions out, and their key says why instead of acting.
    static func unavailable(_ s: ConsoleState, _ action: ConsoleAction) -> String? {
        switch action {
        case .reviewFix, .reviewResend:
            guard let r = s.selectedReview else { return nil }
            if r.item.reason == .refund {
                return "a refund has no username to fix: revoke in the Users pane, or x to dismiss"
            }
            if action == .reviewResend, !r.item.email.contains("@") { return "\(r.item.typedName) left no email address" }
            return nil
        default:
            return nil
        }
    }

    /// Opens the detail at once with what the index holds (a key lookup, no scan of the users), and
    /// asks the services for the story.
    static func openUserDetail(_ s: inout ConsoleState, script: String, username: String) -> [Effect] {
        let row = s.users.index.row(key: Username.key(username)).map { s.users.index.users[Int($0)] }
        s.modal = .userDetail(UserDetail(script: script, username: row?.username ?? username, email: row?.email ?? "",
                                         holds: s.users.accessState(of: username)))
        return [.userStory(script: script, user: row?.username ?? username)]
    }

    /// Moves the Users cursor to the next (previous) match of the search, and says where it went.
    static func findMatch(_ s: inout ConsoleState, forward: Bool) {
        s.focus = .users
        guard let (i, wrapped) = s.users.nextMatch(s.search, from: s.users.cursor.selected, forward: forward) else {
            setError(&s, "no user matches \"\(s.search)\"" + (s.users.filter.isEmpty ? "" : " among the filtered ones (Esc clears the filter)"))
            return
        }
        s.users.cursor.move(to: i, count: s.users.count, height: s.listHeight(.users))
        let name = s.users.selected?.username ?? ""
        setInfo(&s, "found \(name) for \"\(s.search)\"" + (wrapped ? (forward ? ", wrapped to the top" : ", wrapped to the bottom") : "")
                + ": n next, N previous, Esc clears")
    }

    static func revoke(_ s: inout ConsoleState, script: String, users: [String]) -> [Effect] {
        guard !users.isEmpty else { setError(&s, "no user selected"); return [] }
        let name = scriptName(s, script)
        if users.count == 1 {
            s.modal = .confirm(Confirm(title: "Revoke access",
                                       lines: ["Revoke \(users[0])'s access to \(name)?",
                                               "TradingView removes it at once\(s.dryRun ? " (dry run: logged only)" : "")."],
                                       confirmLabel: "Revoke", effect: .command(.revoke(script: script, users: users))))
        } else {
            // Every user is listed with what they hold now (↑↓ scroll): the count typed confirms this list.
            let width = min(20, users.map { CharWidth.of($0) }.max() ?? 0)
            let rows = users.map { Text.fit($0, width: width) + "  " + ExpiryPreview.label(s.users.accessState(of: $0)) + " -> removed" }
            s.modal = .typedConfirm(TypedConfirm(title: "Revoke \(users.count) users",
                                                 lines: ["Type \(users.count) and press Enter to revoke access to \(name)\(s.dryRun ? " (dry run)" : "") for:"] + rows,
                                                 expected: String(users.count), effect: .command(.revoke(script: script, users: users))))
        }
        return []
    }

    static func move(_ s: inout ConsoleState, by delta: Int) {
        switch s.focus {
        case .scripts: selectScript(&s, index: s.scriptsCursor.selected + delta)
        case .users: s.users.cursor.move(by: delta, count: s.users.count, height: s.listHeight(.users))
        case .review: s.reviewCursor.move(by: delta, count: s.reviewRows.count, height: s.listHeight(.review))
        case .retry: s.retryCursor.move(by: delta, count: s.retryRows.count, height: s.listHeight(.retry))
        case .log: s.log.move(by: max(-100_000, min(100_000, delta)))
        case .session: break
        }
    }

    static func requireScript(_ s: inout ConsoleState) -> String? {
        if let id = s.selectedScript { return id }
        setError(&s, "no script selected: pick one in the Scripts pane (1)")
        return nil
    }

    static func scriptName(_ s: ConsoleState, _ id: String) -> String {
        if let t = s.scripts.first(where: { $0.scriptId == id })?.title, !t.isEmpty { return t }
        return id
    }
}

extension Effect {
    /// Changes remote or stored state: quitting while one runs asks first.
    public var isWrite: Bool {
        switch self {
        case .command(let c): return c.writes
        case .syncNow, .firstRunPreview, .setCookies:
            return true
        default:
            return false
        }
    }

    /// Effects that run one at a time: writes that open scripts' master data, and mode changes.
    /// Cookies are exempt: they live in the vault, and updating them while a sync runs is what a
    /// stale session calls for.
    public var isExclusive: Bool {
        switch self {
        case .setCookies: return false
        case .setDryRun: return true
        default: return isWrite
        }
    }
}
