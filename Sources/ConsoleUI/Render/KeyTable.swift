/// The README's key table, made from the same keymap as the footer and the `?` overlay, so the
/// documentation cannot drift from the keys (a test compares the README with this).
public enum KeyTable {
    public static func markdown(_ keymap: Keymap = .standard) -> String {
        var lines = ["| key | where | does | writes |", "|---|---|---|---|"]
        for b in keymap.bindings {
            let scope = b.scope == .global ? "anywhere" : b.scope.label
            lines.append("| \(label(b.key)) | \(scope) | \(b.help) | \(b.writes ? "yes" : "") |")
        }
        return lines.joined(separator: "\n")
    }

    /// Characters in code spans; named keys as people write them.
    static func label(_ key: Key) -> String {
        switch key {
        case .char(" "): return "Space"
        case .char("|"): return "`\\|`"
        case .char(let c): return "`\(c)`"
        case .ctrl(let c): return "Ctrl-\(c.uppercased())"
        case .backTab: return "Shift-Tab"
        default: return key.label
        }
    }
}
