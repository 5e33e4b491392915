import Foundation

/// Header values must stay on one line, or a value could add headers of its own.
public enum HeaderSafety {
    /// Any CR, LF or other line break, checked per scalar: "\r\n" is one Character in Swift, so a
    /// Character comparison with "\r" would miss it.
    public static func hasLineBreak(_ text: String) -> Bool {
        // ASCII bytes cannot hide inside multi-byte UTF-8, so LF, VT, FF and CR are found byte-wise;
        // only text with non-ASCII bytes needs the (slower) scalar check for NEL, LS and PS.
        var ascii = true
        for byte in text.utf8 {
            if (0x0A...0x0D).contains(byte) { return true }
            if byte >= 0x80 { ascii = false }
        }
        return !ascii && text.unicodeScalars.contains { CharacterSet.newlines.contains($0) }
    }
}
