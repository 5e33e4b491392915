import AccessCore
import Foundation

extension ConsoleReducer {
    static func handleModalKey(_ s: inout ConsoleState, _ key: Key) -> [Effect] {
        guard let modal = s.modal else { return [] }
        switch modal {
        case .help(let scroll):
            switch key {
            case .escape, .char("?"), .char("q"), .enter: s.modal = nil
            case .down, .char("j"): s.modal = .help(scroll: scroll + 1)
            case .up, .char("k"): s.modal = .help(scroll: max(0, scroll - 1))
            case .pageDown, .char(" "): s.modal = .help(scroll: scroll + 10)
            case .pageUp: s.modal = .help(scroll: max(0, scroll - 10))
            default: break
            }
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
        case .command(var field):
            switch key {
            case .escape: s.modal = nil
            case .enter:
                s.modal = nil
                return runCommand(&s, field.trimmed)
            default:
                _ = field.handle(key)
                s.modal = .command(field)
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
            let count = TermPicker.presets.count + 1
            switch key {
            case .escape: s.modal = nil
            case .down, .char("j"), .tab: t.selected = (t.selected + 1) % count; s.modal = .termPicker(t)
            case .up, .char("k"), .backTab: t.selected = (t.selected + count - 1) % count; s.modal = .termPicker(t)
            case .enter:
                if t.selected < TermPicker.presets.count {
                    s.modal = nil
                    return termEffect(t.target, TermPicker.presets[t.selected])
                }
                s.modal = .prompt(Prompt(title: t.title, label: "Term (e.g. 2W, 45D, 18M, 2Y)", field: TextField(),
                                         purpose: .typedTerm(t.target)))
            default: break
            }
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

    static func termEffect(_ target: TermTarget, _ term: AccessTerm) -> [Effect] {
        switch target {
        case .grant(let script, let user): return [.grant(script: script, user: user, term: term)]
        case .extend(let script, let users): return [.extend(script: script, users: users, term: term)]
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
                s.modal = .termPicker(TermPicker(title: "Grant \(name) on \(scriptName(s, script))", target: .grant(script: script, user: name)))
                return []
            case .reviewFix(let script, let id):
                let effect = Effect.resolveReview(script: script, id: id, newName: name)
                var waiting = p
                waiting.pending = effect
                waiting.error = nil
                s.modal = .prompt(waiting)
                setInfo(&s, "validating \(name), then granting…")
                return [effect]
            default: return []
            }
        case .typedTerm(let target):
            guard let term = AccessTerm(text) else {
                setError(&s, "\"\(text)\" is not a term: use 7D, 2W, 1M, 3M, 1Y or lifetime")
                return []
            }
            s.modal = nil
            return termEffect(target, term)
        case .reviewDismiss(let script, let id):
            guard !text.isEmpty else { setError(&s, "give a reason, so the next person knows why"); return [] }
            s.modal = nil
            return [.dismissReview(script: script, id: id, reason: text)]
        }
    }

    /// `:` commands: grant NAME [TERM], extend NAME [TERM], revoke NAME, validate NAME, script ID,
    /// sync, resync, dry, help, quit.
    static func runCommand(_ s: inout ConsoleState, _ line: String) -> [Effect] {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let verb = words.first?.lowercased() else { return [] }
        let args = Array(words.dropFirst())
        let writes: Set<String> = ["grant", "extend", "revoke", "sync", "resync"]
        if s.readOnly && writes.contains(verb) { setError(&s, "read-only: :\(verb) is disabled (started with --read-only)"); return [] }
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
        case "validate", "grant", "extend", "revoke":
            guard let raw = args.first else { setError(&s, "usage: :\(verb) NAME\(verb == "grant" || verb == "extend" ? " [TERM]" : "")"); return [] }
            guard let name = Username.normalize(raw) else { setError(&s, "\"\(raw)\" cannot be a TradingView username"); return [] }
            if verb == "validate" { return [.validate(name)] }
            guard let script = requireScript(&s) else { return [] }
            if verb == "revoke" { return revoke(&s, script: script, users: [name]) }
            let target: TermTarget = verb == "grant" ? .grant(script: script, user: name) : .extend(script: script, users: [name])
            guard args.count > 1 else {
                s.modal = .termPicker(TermPicker(title: "\(verb.capitalized) \(name) on \(scriptName(s, script))", target: target))
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
            if s.readOnly, s.fullKeymap.bindings.contains(where: { $0.action == action && $0.writes }) {
                setError(&s, "read-only: :\(action.rawValue) is disabled (started with --read-only)"); return []
            }
            if let reason = unavailable(s, action) { setError(&s, reason); return [] }
            return perform(&s, action)
        }
        return []
    }
}
