/// Selection and scroll position of a list; keeps the selection inside the visible window.
public struct Cursor: Sendable, Equatable {
    public var selected: Int = 0
    public var top: Int = 0
    public init(selected: Int = 0, top: Int = 0) { self.selected = selected; self.top = top }

    /// Moves the selection to `index` (clamped to `count`) and scrolls so it shows in `height` rows.
    public mutating func move(to index: Int, count: Int, height: Int) {
        guard count > 0 else { selected = 0; top = 0; return }
        selected = min(max(0, index), count - 1)
        clamp(count: count, height: height)
    }

    public mutating func move(by delta: Int, count: Int, height: Int) { move(to: selected + delta, count: count, height: height) }

    /// Re-fits after the list or the window changed size.
    public mutating func clamp(count: Int, height: Int) {
        guard count > 0 else { selected = 0; top = 0; return }
        selected = min(max(0, selected), count - 1)
        let h = max(1, height)
        if selected < top { top = selected }
        if selected >= top + h { top = selected - h + 1 }
        top = max(0, min(top, max(0, count - h)))
    }
}
