/// What follows an ESC byte that curses did not turn into a key itself (a terminal whose terminfo
/// lacks the sequence: End under TERM=xterm-256color in tmux sends `ESC [ 4 ~`). Known sequences become
/// their key; anything else is swallowed whole, so its bytes never act as Esc, `[`, `4` and `~`.
enum EscapeSequence {
    /// Whether `tail` (the bytes after ESC) is a whole sequence: CSI ends with a final byte, SS3 and
    /// Alt+key are two bytes.
    static func isComplete(_ tail: [UInt32]) -> Bool {
        guard let first = tail.first else { return false }
        switch first {
        case 0x5B: return tail.count >= 2 && (0x40...0x7E).contains(tail.last!)   // ESC [
        case 0x4F: return tail.count >= 2                                          // ESC O
        default: return true
        }
    }

    /// The keys `tail` stands for: a known sequence's key, nothing for an unknown sequence, and Esc
    /// followed by the key for anything else (Esc then `j` typed fast: nothing is bound to Alt+key).
    static func decode(_ tail: [UInt32]) -> [Key] {
        guard let first = tail.first else { return [.escape] }
        guard first == 0x5B || first == 0x4F else { return [.escape] + tail.compactMap(KeyDecoder.char) }
        return sequence(tail).map { [$0] } ?? []
    }

    private static func sequence(_ tail: [UInt32]) -> Key? {
        let first = tail[0]
        guard tail.count >= 2, let final = Unicode.Scalar(tail.last!) else { return nil }
        switch first {
        case 0x4F:   // SS3: ESC O A
            return tail.count == 2 ? letterKey(Character(final)) : nil
        case 0x5B:   // CSI: ESC [ params final
            let params = String(String.UnicodeScalarView(tail.dropFirst().dropLast().compactMap(Unicode.Scalar.init)))
            // Modifiers (`1;5F`, ctrl-End) keep the key: the console gives them no meaning of their own.
            let number = params.split(separator: ";").first.flatMap { Int($0) }
            if final == "~" {
                switch number {
                case 1, 7: return .home
                case 4, 8: return .end
                case 5: return .pageUp
                case 6: return .pageDown
                case 3: return .delete
                default: return nil
                }
            }
            if final == "Z" { return .backTab }
            return letterKey(Character(final))
        default:
            return nil
        }
    }

    private static func letterKey(_ c: Character) -> Key? {
        switch c {
        case "A": return .up
        case "B": return .down
        case "C": return .right
        case "D": return .left
        case "H": return .home
        case "F": return .end
        default: return nil
        }
    }
}
