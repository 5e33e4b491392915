/// One terminal cell. A wide character occupies its cell and marks the next one as its continuation.
public struct Cell: Sendable, Hashable {
    public var char: Character
    public var style: Style
    /// The right half of a wide character: the backend skips it.
    public var isContinuation: Bool

    public init(_ char: Character = " ", _ style: Style = .plain, isContinuation: Bool = false) {
        self.char = char; self.style = style; self.isContinuation = isContinuation
    }
    public static let blank = Cell()
}

/// The cell grid every frame is drawn into. Rendering is pure: state in, Screen out; the terminal
/// backend only flushes the cells that differ from the previous frame.
public struct Screen: Sendable, Equatable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size) {
        self.size = size
        cells = Array(repeating: .blank, count: size.width * size.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: size.width, height: size.height) }

    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < size.width, y < size.height else { return .blank }
        return cells[y * size.width + x]
    }

    /// Fills a region with blanks of one style.
    public mutating func fill(_ rect: Rect, style: Style = .plain, char: Character = " ") {
        let r = clip(rect)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            let base = y * size.width
            for x in r.x..<r.maxX { cells[base + x] = Cell(char, style) }
        }
    }

    /// Draws sanitized text at (x, y), clipped to `clip` (default: the whole screen). Returns the column
    /// after the last drawn cell. A wide character that would straddle the edge is replaced by a space.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let area = self.clip(clip ?? bounds)
        guard y >= area.y, y < area.maxY else { return x }
        var col = x
        let limit = area.maxX
        let base = y * size.width
        for ch in text {
            if col >= limit { break }
            if Sanitize.needsEscape(ch) {
                for s in ch.unicodeScalars {
                    let shown = Sanitize.escape(s) ?? String(s)
                    for e in shown {
                        if col >= limit { break }
                        if col >= area.x { setCell(base, col, Cell(e, style.with(reverse: !style.reverse))) }
                        col += 1
                    }
                }
                continue
            }
            let w = CharWidth.of(ch)
            if w == 0 { continue }
            if w == 2 {
                if col + 1 >= limit || col < area.x {
                    if col >= area.x { setCell(base, col, Cell(" ", style)) }
                    col += 2
                    continue
                }
                setCell(base, col, Cell(ch, style))
                setCell(base, col + 1, Cell(" ", style, isContinuation: true))
                col += 2
            } else {
                if col >= area.x { setCell(base, col, Cell(ch, style)) }
                col += 1
            }
        }
        return col
    }

    /// Draws text padded or cut to exactly `width` columns; cut text ends in "…".
    public mutating func put(_ text: String, x: Int, y: Int, width: Int, style: Style = .plain, alignRight: Bool = false) {
        guard width > 0 else { return }
        let fitted = Text.fit(Sanitize.text(text), width: width, alignRight: alignRight)
        fill(Rect(x: x, y: y, width: width, height: 1), style: style)
        put(fitted, x: x, y: y, style: style, clip: Rect(x: x, y: y, width: width, height: 1))
    }

    private mutating func setCell(_ base: Int, _ col: Int, _ cell: Cell) {
        guard col >= 0, col < size.width else { return }
        // Overwriting half of a wide character leaves its other half blank rather than a broken glyph.
        if cells[base + col].isContinuation, col > 0 { cells[base + col - 1] = Cell(" ", cells[base + col - 1].style) }
        if !cell.isContinuation, CharWidth.of(cells[base + col].char) == 2, col + 1 < size.width,
           cells[base + col + 1].isContinuation {
            cells[base + col + 1] = Cell(" ", cells[base + col + 1].style)
        }
        cells[base + col] = cell
    }

    private func clip(_ r: Rect) -> Rect {
        let x0 = max(0, r.x), y0 = max(0, r.y)
        let x1 = min(size.width, r.maxX), y1 = min(size.height, r.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The characters of one row (continuation cells omitted), trailing spaces kept.
    public func text(row: Int) -> String {
        guard row >= 0, row < size.height else { return "" }
        var s = ""
        for x in 0..<size.width {
            let c = cells[row * size.width + x]
            if !c.isContinuation { s.append(c.char) }
        }
        return s
    }

    /// Every row with trailing spaces trimmed: what tests assert on.
    public var lines: [String] {
        (0..<size.height).map { row in
            var t = text(row: row)
            while t.last == " " { t.removeLast() }
            return t
        }
    }

    /// The whole screen as one string, rows joined by newlines.
    public var text: String { lines.joined(separator: "\n") }

    public func contains(_ needle: String) -> Bool { lines.contains { $0.contains(needle) } }

    /// The style of the first cell where `needle` starts, for tests that check colour or reverse video.
    public func style(of needle: String) -> Style? {
        for (y, line) in lines.enumerated() {
            guard let r = line.range(of: needle) else { continue }
            let col = CharWidth.of(String(line[..<r.lowerBound]))
            var x = 0, seen = 0
            while x < size.width && seen < col {
                if !self[x, y].isContinuation { seen += CharWidth.of(self[x, y].char) }
                x += 1
            }
            return self[x, y].style
        }
        return nil
    }
}
