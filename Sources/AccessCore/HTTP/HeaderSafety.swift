import Foundation

/// Header values must stay on one line, or a value could add headers of its own.
public enum HeaderSafety {
    /// Any CR, LF or other line break, checked per scalar: "\r\n" is one Character in Swift, so a
    /// Character comparison with "\r" would miss it.
    public static func hasLineBreak(_ text: String) -> Bool {
        text.unicodeScalars.contains { CharacterSet.newlines.contains($0) }
    }
}
