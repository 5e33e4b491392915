import Foundation

/// A one-line editable field. The masked variant (cookies) never renders or describes its text.
public struct TextField: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { masked ? "TextField(masked, \(text.count) chars)" : "TextField(\(text.debugDescription))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["text": masked ? "(masked)" : text, "cursor": cursor, "selected": selected]) }

    public var text: String
    /// Insertion point, in Characters.
    public var cursor: Int
    public var masked: Bool
    /// Prefilled text starts selected: the first typed character replaces it (a guess must never be
    /// appended to), an arrow key keeps it for editing.
    public var selected: Bool

    public init(_ text: String = "", masked: Bool = false, selected: Bool = false) {
        self.text = text; self.cursor = text.count; self.masked = masked; self.selected = selected && !text.isEmpty
    }

    /// A field holding a guess the person will usually replace.
    public static func prefilled(_ text: String) -> TextField { TextField(text, selected: true) }

    /// Applies an editing key; returns false when the key is not an editing key.
    public mutating func handle(_ key: Key) -> Bool {
        if selected {
            switch key {
            case .char: selected = false; text = ""; cursor = 0   // then typed in below
            case .backspace, .ctrl("h"), .delete, .ctrl("u"): selected = false; text = ""; cursor = 0; return true
            case .left, .right, .home, .end, .ctrl("a"), .ctrl("e"): selected = false
            default: return false
            }
        }
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
