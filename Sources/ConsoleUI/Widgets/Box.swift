/// A bordered panel with a title; the focused one is drawn bold with a reversed title so focus
/// shows without colour.
public enum Box {
    public static func draw(_ screen: inout Screen, _ rect: Rect, title: String, focused: Bool) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let border = Style(fg: focused ? .cyan : .default, bold: focused, dim: !focused)
        screen.fill(rect)
        let top = "┌" + String(repeating: "─", count: rect.width - 2) + "┐"
        let bottom = "└" + String(repeating: "─", count: rect.width - 2) + "┘"
        screen.put(top, x: rect.x, y: rect.y, style: border)
        screen.put(bottom, x: rect.x, y: rect.maxY - 1, style: border)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            screen.put("│", x: rect.x, y: y, style: border)
            screen.put("│", x: rect.maxX - 1, y: y, style: border)
        }
        let t = Text.truncate(" " + title + " ", width: rect.width - 4)
        screen.put(t, x: rect.x + 2, y: rect.y, style: Style(bold: true, reverse: focused))
    }
}
