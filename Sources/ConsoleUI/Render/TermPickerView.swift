import AccessCore
import Foundation

/// The term picker: presets, the typed term, and what the chosen term does to each user.
enum TermPickerView {
    static func draw(_ screen: inout Screen, _ s: ConsoleState, _ t: TermPicker) {
        let choices = TermPicker.presets.map(ConsoleRenderer.termLabel)
        let previews = ExpiryPreview.lines(t.previews(now: s.now))
        let shownPreviews = Array(previews.prefix(4)) + (previews.count > 4 ? ["… and \(previews.count - 4) more (listed before Enter writes)"] : [])
        let preview = t.term == nil ? ["current: " + t.target.users.prefix(3).map { "\($0) " + ExpiryPreview.label(t.current[$0] ?? .none) }.joined(separator: ", ")]
            : shownPreviews
        let error = t.error.map { ["✗ " + $0] } ?? []
        let inner = Dialog.frame(&screen, title: t.title, width: min(screen.size.width - 4, 64),
                                 height: choices.count + 6 + preview.count + error.count)
        screen.put("Choose with j/k (Home/End) or type a term:", x: inner.x + 1, y: inner.y, style: .bold, clip: inner)
        for (i, c) in choices.enumerated() {
            let sel = i == t.selected && t.typed.text.isEmpty
            screen.put((sel ? "▶ " : "  ") + c, x: inner.x + 1, y: inner.y + 1 + i, width: inner.width - 2,
                       style: Style(bold: sel, reverse: sel))
        }
        let fy = inner.y + 1 + choices.count
        Dialog.field(&screen, label: "Term:", t.typed, focused: true, x: inner.x + 1, y: fy, width: min(24, inner.width - 2))
        if !t.typed.trimmed.isEmpty {
            screen.put(t.term.map { "= " + $0.description } ?? "not a term yet", x: inner.x + 27, y: fy, style: .dim, clip: inner)
        }
        Dialog.lines(&screen, preview, in: Rect(x: inner.x + 1, y: fy + 2, width: inner.width - 2, height: preview.count),
                     style: t.term == nil ? .dim : .bold)
        Dialog.lines(&screen, error, in: Rect(x: inner.x + 1, y: fy + 2 + preview.count, width: inner.width - 2, height: error.count),
                     style: Style(fg: .red, bold: true))
    }
}
