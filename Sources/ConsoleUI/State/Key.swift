/// One decoded key press.
public enum Key: Hashable, Sendable {
    case char(Character)
    /// Ctrl plus a lowercase letter.
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)

    /// The name used in help, footer hints and `console.keys` in config.json.
    public var label: String {
        switch self {
        case .char(" "): return "space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "ctrl-\(c)"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .backspace: return "Bksp"
        case .delete: return "Del"
        case .function(let n): return "F\(n)"
        }
    }

    /// Parses a key name from config: a single character, `space`, `enter`, `tab`, `ctrl-x`, `F5`, ...
    public init?(name: String) {
        let lower = name.lowercased()
        switch lower {
        case "space": self = .char(" "); return
        case "enter", "return": self = .enter; return
        case "esc", "escape": self = .escape; return
        case "tab": self = .tab; return
        case "s-tab", "backtab", "shift-tab": self = .backTab; return
        case "up": self = .up; return
        case "down": self = .down; return
        case "left": self = .left; return
        case "right": self = .right; return
        case "pgup", "pageup": self = .pageUp; return
        case "pgdn", "pagedown": self = .pageDown; return
        case "home": self = .home; return
        case "end": self = .end; return
        case "backspace", "bksp": self = .backspace; return
        case "del", "delete": self = .delete; return
        default: break
        }
        if lower.hasPrefix("ctrl-"), lower.count == 6, let c = lower.last, c.isLetter { self = .ctrl(c); return }
        if lower.hasPrefix("f"), lower.count > 1, let n = Int(lower.dropFirst()), (1...24).contains(n) { self = .function(n); return }
        if name.count == 1, let c = name.first, !Sanitize.needsEscape(c) { self = .char(c); return }
        return nil
    }
}
