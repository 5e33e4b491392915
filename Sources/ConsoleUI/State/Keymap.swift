/// Everything a key can do. The raw value is the name used in help and in `console.keys` of config.json.
public enum ConsoleAction: String, CaseIterable, Sendable, Hashable {
    case quit, help, nextPane, prevPane, zoom, command, filter, searchNext, searchPrevious, clear, refresh
    case focusScripts, focusUsers, focusReview, focusRetry, focusSession, focusLog
    case up, down, pageUp, pageDown, top, bottom
    case validate, grant, syncNow, dryRun, resync
    case selectScript
    case userDetail
    case extend, revoke, mark, copyUsername, copyEmail, sortNext, sortReverse
    case reviewFix, reviewResend, reviewDismiss
    case retryNow, retryDrop, retryAll
    case sessionTest, sessionUpdate
    case logFollow, logLevel, logDetail, logProgress
}

/// Where a binding applies.
public enum KeyScope: Hashable, Sendable {
    case global
    case pane(Pane)

    public var label: String {
        switch self {
        case .global: return "Everywhere"
        case .pane(let p): return p.title
        }
    }
}

/// One row of the keymap: the single table that drives dispatch, footer hints, the help overlay and
/// read-only pruning.
public struct KeyBinding: Sendable, Hashable {
    public var key: Key
    public var scope: KeyScope
    public var action: ConsoleAction
    public var help: String
    /// Changes remote or stored state: disabled in read-only mode.
    public var writes: Bool
    /// Shown in the footer of its pane.
    public var hint: Bool

    public init(_ key: Key, _ scope: KeyScope, _ action: ConsoleAction, _ help: String, writes: Bool = false, hint: Bool = true) {
        self.key = key; self.scope = scope; self.action = action; self.help = help; self.writes = writes; self.hint = hint
    }
}

public struct KeymapError: Error, CustomStringConvertible, Equatable {
    public var description: String
}

public struct Keymap: Sendable {
    public private(set) var bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) { self.bindings = bindings }

    public static let standard = Keymap(bindings: [
        KeyBinding(.char("?"), .global, .help, "help: every key"),
        KeyBinding(.char("q"), .global, .quit, "quit"),
        KeyBinding(.tab, .global, .nextPane, "next pane", hint: false),
        KeyBinding(.backTab, .global, .prevPane, "previous pane", hint: false),
        KeyBinding(.char("1"), .global, .focusScripts, "focus Scripts", hint: false),
        KeyBinding(.char("2"), .global, .focusUsers, "focus Users", hint: false),
        KeyBinding(.char("3"), .global, .focusReview, "focus Review", hint: false),
        KeyBinding(.char("4"), .global, .focusRetry, "focus Retry", hint: false),
        KeyBinding(.char("5"), .global, .focusSession, "focus Session", hint: false),
        KeyBinding(.char("6"), .global, .focusLog, "focus Log", hint: false),
        KeyBinding(.char("z"), .global, .zoom, "zoom pane", hint: false),
        KeyBinding(.char(":"), .global, .command, "command line (:grant NAME 1M, :script ID, :quit)", hint: false),
        KeyBinding(.char("/"), .global, .filter, "filter as you type (Users, Log)"),
        KeyBinding(.char("n"), .pane(.users), .searchNext, "search: next match (asks for the text first)"),
        KeyBinding(.char("N"), .pane(.users), .searchPrevious, "search: previous match", hint: false),
        KeyBinding(.escape, .global, .clear, "clear the kept filter, then the search, then the marks", hint: false),
        KeyBinding(.ctrl("l"), .global, .refresh, "reload data", hint: false),
        KeyBinding(.char("j"), .global, .down, "down", hint: false),
        KeyBinding(.down, .global, .down, "down", hint: false),
        KeyBinding(.char("k"), .global, .up, "up", hint: false),
        KeyBinding(.up, .global, .up, "up", hint: false),
        KeyBinding(.pageDown, .global, .pageDown, "page down", hint: false),
        KeyBinding(.pageUp, .global, .pageUp, "page up", hint: false),
        KeyBinding(.home, .global, .top, "first row", hint: false),
        KeyBinding(.end, .global, .bottom, "last row", hint: false),
        KeyBinding(.char("v"), .global, .validate, "validate a username"),
        KeyBinding(.char("g"), .global, .grant, "grant access", writes: true),
        KeyBinding(.char("s"), .global, .resync, "resync script (diff, apply)", writes: true),
        KeyBinding(.char("S"), .global, .syncNow, "sync now", writes: true),
        KeyBinding(.char("d"), .global, .dryRun, "dry-run on/off"),
        KeyBinding(.enter, .pane(.scripts), .selectScript, "show users of script"),
        KeyBinding(.enter, .pane(.users), .userDetail, "user detail: history, mails, queues"),
        KeyBinding(.char("e"), .pane(.users), .extend, "extend (marked or selected)", writes: true),
        KeyBinding(.char("r"), .pane(.users), .revoke, "revoke (marked or selected)", writes: true),
        KeyBinding(.char(" "), .pane(.users), .mark, "mark row and move down"),
        KeyBinding(.char("y"), .pane(.users), .copyUsername, "copy username"),
        KeyBinding(.char("Y"), .pane(.users), .copyEmail, "copy email", hint: false),
        KeyBinding(.char("o"), .pane(.users), .sortNext, "sort by next column"),
        KeyBinding(.char("O"), .pane(.users), .sortReverse, "reverse sort", hint: false),
        KeyBinding(.enter, .pane(.review), .reviewFix, "fix name, validate, grant", writes: true),
        KeyBinding(.char("m"), .pane(.review), .reviewResend, "resend email", writes: true),
        KeyBinding(.char("x"), .pane(.review), .reviewDismiss, "dismiss with reason", writes: true),
        KeyBinding(.char("r"), .pane(.retry), .retryNow, "retry now", writes: true),
        KeyBinding(.char("x"), .pane(.retry), .retryDrop, "drop", writes: true),
        KeyBinding(.char("A"), .pane(.retry), .retryAll, "retry all", writes: true),
        KeyBinding(.char("t"), .pane(.session), .sessionTest, "test session now"),
        KeyBinding(.char("u"), .pane(.session), .sessionUpdate, "update cookies", writes: true),
        KeyBinding(.char("p"), .pane(.log), .logFollow, "pause / follow"),
        KeyBinding(.char("l"), .pane(.log), .logLevel, "minimum level"),
        KeyBinding(.enter, .pane(.log), .logDetail, "all fields of event"),
        KeyBinding(.char("P"), .pane(.log), .logProgress, "show / hide sync.progress lines", hint: false),
    ])

    /// Bindings with every write removed: what a `--read-only` console offers.
    public func readOnly() -> Keymap { Keymap(bindings: bindings.filter { !$0.writes }) }

    /// Whether `action` writes, from its bindings: the one list read-only pruning, the `:` line and help use.
    public func writes(_ action: ConsoleAction) -> Bool { bindings.contains { $0.action == action && $0.writes } }

    /// The `:` verbs that are another name of a keymap action (`:sync` is `S`): they write when it does.
    public static let verbActions: [String: ConsoleAction] = [
        "grant": .grant, "extend": .extend, "revoke": .revoke, "sync": .syncNow, "resync": .resync, "validate": .validate,
    ]

    /// Whether the `:` verb writes (its action's bindings say).
    public func verbWrites(_ verb: String) -> Bool {
        let action = Self.verbActions[verb] ?? ConsoleAction.allCases.first { $0.rawValue.lowercased() == verb }
        return action.map(writes) ?? false
    }

    /// The binding a key triggers in a pane: the pane's own binding first, then a global one.
    public func binding(for key: Key, in pane: Pane) -> KeyBinding? {
        bindings.first { $0.key == key && $0.scope == .pane(pane) } ?? bindings.first { $0.key == key && $0.scope == .global }
    }

    /// Bindings active in a pane (global and the pane's own).
    public func active(in pane: Pane) -> [KeyBinding] {
        bindings.filter { $0.scope == .global || $0.scope == .pane(pane) }
    }

    public func keys(for action: ConsoleAction) -> [Key] { bindings.filter { $0.action == action }.map(\.key) }

    /// Pairs of bindings that claim the same key where both can be active at once.
    public func conflicts() -> [(KeyBinding, KeyBinding)] {
        var found: [(KeyBinding, KeyBinding)] = []
        for (i, a) in bindings.enumerated() {
            for b in bindings[(i + 1)...] where a.key == b.key {
                if a.scope == b.scope || a.scope == .global || b.scope == .global { found.append((a, b)) }
            }
        }
        return found
    }

    /// Applies `console.keys` from config (action name -> key name). Every binding of a rebound action
    /// gets the new key; the result must stay free of conflicts.
    public func rebinding(_ overrides: [String: String]) throws -> Keymap {
        var copy = self
        for (actionName, keyName) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let action = ConsoleAction(rawValue: actionName) else {
                let names = ConsoleAction.allCases.map(\.rawValue).joined(separator: ", ")
                throw KeymapError(description: "console.keys: unknown action \"\(actionName)\"; actions are \(names)")
            }
            guard let key = Key(name: keyName) else {
                throw KeymapError(description: "console.keys.\(actionName): \"\(keyName)\" is not a key (use a character, space, enter, tab, ctrl-x, F1-F24)")
            }
            var seenScopes = Set<KeyScope>()
            copy.bindings = copy.bindings.compactMap { b in
                guard b.action == action else { return b }
                // An action bound to several keys (j and ↓) keeps one binding per scope after a rebind.
                guard seenScopes.insert(b.scope).inserted else { return nil }
                var nb = b; nb.key = key; return nb
            }
        }
        if let (a, b) = copy.conflicts().first {
            throw KeymapError(description: "console.keys: \(a.key.label) would do both \(a.action.rawValue) and \(b.action.rawValue)")
        }
        return copy
    }
}
