/// One column of a Table. Columns with a lower `priority` are dropped first when the table is narrow.
public struct TableColumn: Sendable {
    public var title: String
    public var width: Int
    /// Share of leftover width (0 = fixed).
    public var flex: Int
    public var alignRight: Bool
    public var priority: Int
    public init(_ title: String, width: Int, flex: Int = 0, alignRight: Bool = false, priority: Int = 10) {
        self.title = title; self.width = width; self.flex = flex; self.alignRight = alignRight; self.priority = priority
    }
}

/// A scrolling table that draws only the rows in view, so its cost does not depend on the row count.
/// The selected row carries a ▶ marker (and reverse video when focused); marked rows a *.
public struct Table {
    public var columns: [TableColumn]
    public var count: Int
    public var cursor: Cursor
    public var focused: Bool
    /// (index of sorted column, ascending)
    public var sort: (Int, Bool)?

    public init(columns: [TableColumn], count: Int, cursor: Cursor, focused: Bool, sort: (Int, Bool)? = nil) {
        self.columns = columns; self.count = count; self.cursor = cursor; self.focused = focused; self.sort = sort
    }

    /// Visible columns (original indices) and their widths for `width` cells, after the 2-cell marker.
    public func fit(width: Int) -> [(Int, Int)] {
        var kept = Array(columns.indices)
        func need(_ cols: [Int]) -> Int { cols.reduce(0) { $0 + columns[$1].width } + max(0, cols.count - 1) }
        while kept.count > 1 && need(kept) > width - 2 {
            let drop = kept.min { columns[$0].priority < columns[$1].priority || (columns[$0].priority == columns[$1].priority && $0 > $1) }!
            kept.removeAll { $0 == drop }
        }
        var widths = kept.map { columns[$0].width }
        let spare = max(0, width - 2 - need(kept))
        let flexTotal = kept.reduce(0) { $0 + columns[$1].flex }
        if flexTotal > 0 {
            var given = 0
            for (i, c) in kept.enumerated() where columns[c].flex > 0 {
                let add = spare * columns[c].flex / flexTotal
                widths[i] += add; given += add
            }
            if let last = kept.lastIndex(where: { columns[$0].flex > 0 }) { widths[last] += spare - given }
        }
        return Array(zip(kept, widths))
    }

    public func draw(_ screen: inout Screen, _ rect: Rect, marked: (Int) -> Bool = { _ in false },
                     cell: (_ row: Int, _ column: Int) -> (String, Style)) {
        guard rect.height >= 1, rect.width >= 3 else { return }
        let layout = fit(width: rect.width)
        var x = rect.x + 2
        for (c, w) in layout {
            var title = columns[c].title
            if let (sc, asc) = sort, sc == c { title += asc ? "▲" : "▼" }
            screen.put(title, x: x, y: rect.y, width: w, style: Style(bold: true, underline: true), alignRight: columns[c].alignRight)
            x += w + 1
        }
        let height = rect.height - 1
        guard height > 0, count > 0 else {
            if count == 0, rect.height > 1 { screen.put("(empty)", x: rect.x + 2, y: rect.y + 1, style: .dim, clip: rect) }
            return
        }
        var c = cursor
        // A negative selection means "none" (a following log): no marker, top row first.
        if c.selected >= 0 { c.clamp(count: count, height: height) } else { c.top = max(0, min(c.top, count - height)) }
        for i in 0..<height {
            let row = c.top + i
            guard row < count else { break }
            let y = rect.y + 1 + i
            let selected = row == c.selected
            let base = Style(reverse: selected && focused)
            screen.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: base)
            screen.put(selected ? "▶" : " ", x: rect.x, y: y, style: base.with(bold: true))
            if marked(row) { screen.put("*", x: rect.x + 1, y: y, style: base.with(bold: true)) }
            var x = rect.x + 2
            for (col, w) in layout {
                var (text, style) = cell(row, col)
                style.reverse = style.reverse != base.reverse
                screen.put(text, x: x, y: y, width: w, style: style, alignRight: columns[col].alignRight)
                x += w + 1
            }
        }
        if count > height && c.selected >= 0 {
            let info = "\(c.selected + 1)/\(Formats.count(count))"
            // On the border above the header, where it cannot cover a column title.
            screen.put(" " + info + " ", x: rect.maxX - CharWidth.of(info) - 3, y: rect.y - 1, style: .dim)
        }
    }
}
