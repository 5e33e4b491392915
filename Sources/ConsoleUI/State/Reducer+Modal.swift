import AccessCore
import Foundation

extension ConsoleReducer {
    static func handleModalKey(_ s: inout ConsoleState, _ key: Key) -> [Effect] {
        guard let modal = s.modal else { return [] }
        switch modal {
        case .help(var h):
            switch key {
            case .escape where !h.query.text.isEmpty: h.query = TextField(); h.scroll = 0
            case .escape, .enter: s.modal = nil; return []
            case .char("?") where h.query.text.isEmpty: s.modal = nil; return []
            case .down: h.scroll += 1
            case .up: h.scroll = max(0, h.scroll - 1)
            case .pageDown: h.scroll += 10
            case .pageUp: h.scroll = max(0, h.scroll - 10)
            default:
                // Typing searches: the overlay keeps the lines that contain the text.
                if h.query.handle(key) { h.scroll = 0 }
            }
            s.modal = .help(h)
        case .filter(let target):
            switch key {
            case .enter, .down, .up, .tab: s.modal = nil
            case .escape:
                s.modal = nil
                setFilter(&s, target, "")
            default:
                var field = TextField(target == .users ? s.users.filter : s.log.filter)
                if field.handle(key) { setFilter(&s, target, field.text) }
            }
        case .command(var line):
            switch key {
            case .escape: s.modal = nil
            case .enter:
                s.modal = nil
                let text = line.field.trimmed
                if !text.isEmpty, s.commandHistory.last != text {
                    s.commandHistory.append(text)
                    if s.commandHistory.count > 100 { s.commandHistory.removeFirst() }
                }
                return runCommand(&s, text)
            case .up:
                guard !s.commandHistory.isEmpty else { return [] }
                if line.historyIndex == nil { line.draft = line.field.text }
                let i = max(0, (line.historyIndex ?? s.commandHistory.count) - 1)
                line.historyIndex = i
                line.field = TextField(s.commandHistory[i])
                s.modal = .command(line)
            case .down:
                guard let i = line.historyIndex else { return [] }
                if i + 1 < s.commandHistory.count {
                    line.historyIndex = i + 1
                    line.field = TextField(s.commandHistory[i + 1])
                } else {
                    line.historyIndex = nil
                    line.field = TextField(line.draft)
                }
                s.modal = .command(line)
            case .tab:
                complete(s, &line)
                s.modal = .command(line)
            default:
                _ = line.field.handle(key)
                line.candidates = []
                s.modal = .command(line)
            }
        case .prompt(var p):
            if p.pending != nil {
                // Typing while the answer is out would change a name that is already being checked.
                if key == .escape { s.modal = nil; setInfo(&s, "still running: \(p.pending!.description); its answer goes to the status line") }
                return []
            }
            switch key {
            case .escape: s.modal = nil
            case .enter: return submit(&s, p)
            default:
                _ = p.field.handle(key)
                s.modal = .prompt(p)
            }
        case .termPicker(var t):
            return termPickerKey(&s, &t, key)
        case .confirm(var c):
            switch key {
            case .escape, .char("n"): s.modal = nil; setInfo(&s, "cancelled")
            case .left, .right, .tab, .backTab, .char("h"), .char("l"): c.focusOnConfirm.toggle(); s.modal = .confirm(c)
            case .down, .char("j"): c.scroll += 1; s.modal = .confirm(c)
            case .up, .char("k"): c.scroll = max(0, c.scroll - 1); s.modal = .confirm(c)
            case .enter:
                s.modal = nil
                if c.focusOnConfirm { return [c.effect] }
                setInfo(&s, "cancelled")
            default: break
            }
        case .typedConfirm(var c):
            switch key {
            case .escape: s.modal = nil; setInfo(&s, "cancelled")
            case .down, .pageDown: c.scroll += key == .down ? 1 : 10; s.modal = .typedConfirm(c)
            case .up, .pageUp: c.scroll = max(0, c.scroll - (key == .up ? 1 : 10)); s.modal = .typedConfirm(c)
            case .enter:
                if c.field.trimmed == c.expected { s.modal = nil; return [c.effect] }
                setError(&s, "type \(c.expected) to confirm, or Esc to cancel")
            default:
                _ = c.field.handle(key)
                s.modal = .typedConfirm(c)
            }
        case .cookies(var form):
            if form.pending {
                if key == .escape { s.modal = nil; setInfo(&s, "still testing the cookies; the answer goes to the status line") }
                return []
            }
            switch key {
            case .escape: s.modal = nil; setInfo(&s, "cookie update cancelled; nothing saved")
            case .tab, .backTab, .up, .down: form.focus = 1 - form.focus; s.modal = .cookies(form)
            case .enter:
                if form.focus == 0 { form.focus = 1; s.modal = .cookies(form); return [] }
                let id = form.sessionid.trimmed, sign = form.sessionidSign.trimmed
                guard !id.isEmpty, !sign.isEmpty else {
                    setError(&s, "paste both sessionid and sessionid_sign")
                    return []
                }
                form.pending = true
                form.error = nil
                s.modal = .cookies(form)
                setInfo(&s, "testing the new cookies with TradingView…")
                return [.setCookies(sessionid: id, sessionidSign: sign)]
            default:
                if form.focus == 0 { _ = form.sessionid.handle(key) } else { _ = form.sessionidSign.handle(key) }
                s.modal = .cookies(form)
            }
        case .logDetail:
            if key == .escape || key == .enter || key == .char("q") { s.modal = nil }
        case .userDetail(var d):
            switch key {
            case .escape, .enter, .char("q"): s.modal = nil
            case .down, .char("j"): d.scroll += 1
            case .up, .char("k"): d.scroll = max(0, d.scroll - 1)
            case .pageDown, .char(" "): d.scroll += 10
            case .pageUp: d.scroll = max(0, d.scroll - 10)
            case .home: d.scroll = 0
            case .end: d.scroll = Int(Int32.max)
            default: break
            }
            if case .userDetail = s.modal { s.modal = .userDetail(d) }
        }
        return []
    }

    static func setFilter(_ s: inout ConsoleState, _ target: FilterTarget, _ text: String) {
        switch target {
        case .users:
            s.users.setFilter(text)
            s.users.cursor.clamp(count: s.users.count, height: s.listHeight(.users))
        case .log:
            s.log.filter = text
        }
    }

    /// The picker never wraps (k at the top stays there) and opens on nothing: Enter then says what
    /// to do instead of writing. Typing a term replaces the choice; Enter on several users asks first.
    static func termPickerKey(_ s: inout ConsoleState, _ t: inout TermPicker, _ key: Key) -> [Effect] {
        let last = TermPicker.presets.count - 1
        t.error = nil
        switch key {
        case .escape: s.modal = nil; setInfo(&s, "cancelled"); return []
        case .down, .char("j"), .tab: t.typed = TextField(); t.selected = min(last, (t.selected ?? -1) + 1)
        case .up, .char("k"), .backTab: t.typed = TextField(); t.selected = t.selected.map { max(0, $0 - 1) } ?? 0
        case .home: t.typed = TextField(); t.selected = 0
        case .end: t.typed = TextField(); t.selected = last
        case .enter:
            guard !t.typed.trimmed.isEmpty || t.selected != nil else {
                t.error = "choose a term with j/k, or type one (45D, 2W, 1Y)"
                break
            }
            guard let term = t.term else {
                t.error = "\"\(t.typed.trimmed)\" is not a term: use 7D, 2W, 1M, 3M, 1Y or lifetime"
                break
            }
            if t.target.users.count > 1 { s.modal = .confirm(bulkTermConfirm(s, t, term)); return [] }
            s.modal = nil
            return termEffect(t.target, term)
        default:
            if t.typed.handle(key) { t.selected = nil }
        }
        s.modal = .termPicker(t)
        return []
    }

    /// The users of a bulk extend with what each will hold, before anything is written.
    static func bulkTermConfirm(_ s: ConsoleState, _ t: TermPicker, _ term: AccessTerm) -> Confirm {
        let verb = t.target.extending ? "Extend" : "Grant"
        let users = t.target.users
        return Confirm(title: "\(verb) \(users.count) users by \(term.description)",
                       lines: ["On \(scriptName(s, t.target.script))\(s.dryRun ? " (dry run: logged only)" : ""):"]
                           + ExpiryPreview.lines(t.previews(now: s.now)),
                       confirmLabel: "\(verb) \(users.count)", effect: termEffect(t.target, term)[0])
    }

    static func openTermPicker(_ s: inout ConsoleState, title: String, target: TermTarget) {
        var current: [String: AccessState] = [:]
        for u in target.users { current[u] = s.users.accessState(of: u) }
        s.modal = .termPicker(TermPicker(title: title, target: target, current: current))
    }

    static func termEffect(_ target: TermTarget, _ term: AccessTerm) -> [Effect] {
        switch target {
        case .grant(let script, let user): return [.command(.grant(script: script, users: [user], term: term))]
        case .extend(let script, let users): return [.command(.extend(script: script, users: users, term: term))]
        }
    }

    static func submit(_ s: inout ConsoleState, _ p: Prompt) -> [Effect] {
        let text = p.field.trimmed
        switch p.purpose {
        case .validate, .grantName, .reviewFix:
            guard let name = Username.normalize(text) else {
                setError(&s, "\"\(text)\" cannot be a TradingView username (letters, digits, _ . - only)")
                return []
            }
            s.modal = nil
            switch p.purpose {
            case .validate:
                setInfo(&s, "validating \(name)…")
                return [.validate(name)]
            case .grantName(let script):
                openTermPicker(&s, title: "Grant \(name) on \(scriptName(s, script))", target: .grant(script: script, user: name))
                return []
            case .reviewFix(let script, let id):
                let effect = Effect.command(.resolveReview(script: script, id: id, newName: name))
                var waiting = p
                waiting.pending = effect
                waiting.error = nil
                s.modal = .prompt(waiting)
                setInfo(&s, "validating \(name), then granting…")
                return [effect]
            default: return []
            }
        case .search:
            guard !text.isEmpty else { s.modal = nil; return [] }
            s.modal = nil
            s.search = text
            findMatch(&s, forward: true)
            return []
        case .reviewDismiss(let script, let id):
            guard !text.isEmpty else { setError(&s, "give a reason, so the next person knows why"); return [] }
            s.modal = nil
            return [.command(.dismissReview(script: script, id: id, reason: text))]
        }
    }

    /// `:` commands: grant NAME [TERM], extend NAME [TERM], revoke NAME, validate NAME, script ID,
    /// sync, resync, dry, help, quit.
    static func runCommand(_ s: inout ConsoleState, _ line: String) -> [Effect] {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let verb = words.first?.lowercased() else { return [] }
        let args = Array(words.dropFirst())
        if s.readOnly && s.fullKeymap.verbWrites(verb) { setError(&s, "read-only: :\(verb) is disabled (started with --read-only)"); return [] }
        switch verb {
        case "q", "quit": return perform(&s, .quit)
        case "help": return perform(&s, .help)
        case "sync": return perform(&s, .syncNow)
        case "resync": return perform(&s, .resync)
        case "dry", "dryrun", "dry-run": return perform(&s, .dryRun)
        case "script":
            guard let id = args.first?.lowercased() else { setError(&s, "usage: :script ID"); return [] }
            guard let i = s.scripts.firstIndex(where: { $0.scriptId.lowercased() == id || $0.scriptId.lowercased().contains(id)
                || ($0.title ?? "").lowercased().contains(id) }) else {
                setError(&s, "no script matches \"\(id)\""); return []
            }
            selectScript(&s, index: i)
            s.focus = .users
            setInfo(&s, "script \(scriptName(s, s.scripts[i].scriptId))")
        case "user", "history":
            guard let raw = args.first else { setError(&s, "usage: :user NAME"); return [] }
            guard let script = requireScript(&s) else { return [] }
            return openUserDetail(&s, script: script, username: Username.normalize(raw) ?? raw)
        case "validate", "grant", "extend", "revoke":
            guard let raw = args.first else { setError(&s, "usage: :\(verb) NAME\(verb == "grant" || verb == "extend" ? " [TERM]" : "")"); return [] }
            guard let name = Username.normalize(raw) else { setError(&s, "\"\(raw)\" cannot be a TradingView username"); return [] }
            if verb == "validate" { return [.validate(name)] }
            guard let script = requireScript(&s) else { return [] }
            if verb == "revoke" { return revoke(&s, script: script, users: [name]) }
            let target: TermTarget = verb == "grant" ? .grant(script: script, user: name) : .extend(script: script, users: [name])
            guard args.count > 1 else {
                openTermPicker(&s, title: "\(verb.capitalized) \(name) on \(scriptName(s, script))", target: target)
                return []
            }
            guard let term = AccessTerm(args[1]) else { setError(&s, "\"\(args[1])\" is not a term: use 7D, 1M, 3M, 6M, 1Y or lifetime"); return [] }
            return termEffect(target, term)
        default:
            // Every action of the keymap is a command by its name too (`:syncNow`, `:retryAll`), with
            // the same read-only and availability rules as its key.
            guard let action = ConsoleAction.allCases.first(where: { $0.rawValue.lowercased() == verb }) else {
                setError(&s, "unknown command :\(verb) (try :grant NAME 1M, :script ID, :quit, or an action name from ? help)")
                return []
            }
            if let reason = unavailable(s, action) { setError(&s, reason); return [] }
            return perform(&s, action)
        }
        return []
    }
}
