/// Modal boxes drawn over the panes: confirmations, prompts, pickers and the help overlay.
public enum Dialog {
    /// A centred box of at most `width` x `height`; returns the inner rect.
    @discardableResult
    public static func frame(_ screen: inout Screen, title: String, width: Int, height: Int) -> Rect {
        let area = Rect(x: 0, y: 1, width: screen.size.width, height: max(0, screen.size.height - 2))
        let rect = area.centered(width: width, height: height)
        Box.draw(&screen, rect, title: title, focused: true)
        return rect.inner
    }

    /// Buttons in a row; the focused one is reversed and bracketed, so focus never depends on colour.
    public static func buttons(_ screen: inout Screen, _ labels: [String], focused: Int, in inner: Rect) {
        let parts = labels.enumerated().map { i, l in i == focused ? "[ \(l) ]" : "  \(l)  " }
        let total = parts.reduce(0) { $0 + CharWidth.of($1) } + 2 * (parts.count - 1)
        var x = inner.x + max(0, (inner.width - total) / 2)
        let y = inner.maxY - 1
        for (i, p) in parts.enumerated() {
            x = screen.put(p, x: x, y: y, style: i == focused ? Style(bold: true, reverse: true) : .plain, clip: inner) + 2
        }
    }

    /// Text lines with scrolling; returns how many lines fit.
    public static func lines(_ screen: inout Screen, _ lines: [String], in rect: Rect, scroll: Int = 0, style: Style = .plain) {
        let start = min(max(0, scroll), max(0, lines.count - rect.height))
        for (i, line) in lines.dropFirst(start).prefix(rect.height).enumerated() {
            screen.put(line, x: rect.x, y: rect.y + i, width: rect.width, style: style)
        }
    }

    /// `text` cut into lines of at most `width` columns, at spaces where it can.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            var w = word
            while CharWidth.of(w) > width {   // a word longer than a line is cut
                if !line.isEmpty { lines.append(line); line = "" }
                let head = String(w.prefix(width))
                lines.append(head)
                w = String(w.dropFirst(head.count))
            }
            if line.isEmpty { line = w }
            else if CharWidth.of(line) + 1 + CharWidth.of(w) <= width { line += " " + w }
            else { lines.append(line); line = w }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// A labelled one-line field; the insertion point is a reversed cell. Masked fields show only a count.
    public static func field(_ screen: inout Screen, label: String, _ field: TextField, focused: Bool, x: Int, y: Int, width: Int) {
        let labelWidth = CharWidth.of(label) + 1
        screen.put(label, x: x, y: y, style: Style(bold: focused))
        let fx = x + labelWidth, fw = max(1, width - labelWidth)
        screen.fill(Rect(x: fx, y: y, width: fw, height: 1), style: Style(underline: true))
        let shown = field.display
        let visible = CharWidth.of(shown) >= fw ? String(shown.suffix(fw - 1)) : shown
        // Selected (prefilled) text is reversed: the first key typed replaces it.
        let end = screen.put(visible, x: fx, y: y, style: field.selected ? Style(reverse: true) : Style(underline: true),
                             clip: Rect(x: fx, y: y, width: fw, height: 1))
        if focused && !field.selected {
            let cx = field.masked ? end : min(end, fx + CharWidth.of(String(field.text.prefix(field.cursor))))
            screen.put(" ", x: min(cx, fx + fw - 1), y: y, style: Style(reverse: true))
        }
    }
}
