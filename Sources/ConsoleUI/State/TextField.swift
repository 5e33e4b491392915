import Foundation

/// A one-line editable field. The masked variant (cookies) never renders or describes its text.
public struct TextField: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { masked ? "TextField(masked, \(text.count) chars)" : "TextField(\(text.debugDescription))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["text": masked ? "(masked)" : text, "cursor": cursor]) }

    public var text: String
    /// Insertion point, in Characters.
    public var cursor: Int
    public var masked: Bool

    public init(_ text: String = "", masked: Bool = false) {
        self.text = text; self.cursor = text.count; self.masked = masked
    }

    /// Applies an editing key; returns false when the key is not an editing key.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c):
            let i = text.index(text.startIndex, offsetBy: cursor)
            text.insert(c, at: i); cursor += 1
        case .backspace, .ctrl("h"):
            guard cursor > 0 else { return true }
            let i = text.index(text.startIndex, offsetBy: cursor - 1)
            text.remove(at: i); cursor -= 1
        case .delete:
            guard cursor < text.count else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .ctrl("u"): text = ""; cursor = 0
        default: return false
        }
        return true
    }

    /// What the screen shows: the text, or for masked fields only how many characters were typed.
    public var display: String {
        masked ? (text.isEmpty ? "" : String(repeating: "•", count: min(text.count, 12)) + " (\(text.count) chars)") : text
    }

    public var trimmed: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
}
