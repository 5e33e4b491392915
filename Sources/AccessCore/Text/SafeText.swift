/// Text from outside (usernames, log fields, error bodies, WordPress records) may carry control characters
/// or escape sequences; written raw to a terminal they could move the cursor, retitle the window, write
/// the clipboard (OSC 52) or reorder what follows (bidi overrides). The console's Screen and every headless
/// command pass outside text through here, so nothing but printable text reaches a terminal, and a line
/// break inside a field cannot forge an output line.
public enum SafeText {
    /// The visible stand-in for one scalar, or nil when it is safe to print as is.
    public static func escape(_ s: Unicode.Scalar) -> String? {
        let v = s.value
        switch v {
        case 0x00...0x1F:
            // Caret notation: ESC -> ^[, TAB -> ^I, LF -> ^J.
            return "^" + String(Character(Unicode.Scalar(UInt8(v + 0x40))))
        case 0x7F:
            return "^?"
        case 0x80...0x9F, 0x200E...0x200F, 0x2028...0x2029, 0x202A...0x202E, 0x2066...0x2069, 0xFFF9...0xFFFB:
            // C1 controls (a lone CSI 0x9B acts like ESC [), line/paragraph separators, and bidi
            // overrides that reorder what follows.
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

    /// JSON text (as JSONEncoder writes it) with every scalar `escape` would replace written as a JSON
    /// `\uXXXX` escape instead: still the same JSON value, but safe to print. Such scalars only occur
    /// inside strings (JSON's structure is ASCII), where the escape means the same character.
    public static func json(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F }) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            guard escape(scalar) != nil else { out.unicodeScalars.append(scalar); continue }
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return out
    }
}
