/// Text from outside (usernames, log fields, error bodies) may carry control characters or escape
/// sequences; drawn raw they could move the cursor, retitle the window or worse. Every string the
/// Screen draws passes through here, so nothing but printable text can reach the terminal.
public enum Sanitize {
    /// The visible stand-in for one scalar, or nil when it is safe to draw as is.
    public static func escape(_ s: Unicode.Scalar) -> String? {
        let v = s.value
        switch v {
        case 0x00...0x1F:
            // Caret notation: ESC -> ^[, TAB -> ^I, LF -> ^J.
            return "^" + String(Character(Unicode.Scalar(UInt8(v + 0x40))))
        case 0x7F:
            return "^?"
        case 0x80...0x9F, 0x200E...0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFFF9...0xFFFB:
            // C1 controls (a lone CSI 0x9B acts like ESC [) and bidi overrides that reorder what follows.
            return "\\u{" + String(v, radix: 16) + "}"
        default:
            return nil
        }
    }

    public static func needsEscape(_ ch: Character) -> Bool {
        if let a = ch.asciiValue { return a < 0x20 || a == 0x7F }
        return ch.unicodeScalars.contains { escape($0) != nil }
    }

    /// The whole string with every unsafe scalar replaced by its visible escape.
    public static func text(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F }) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            if let e = escape(scalar) { out += e } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
