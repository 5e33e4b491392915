/// The eight ANSI colours plus the terminal's own default; a monochrome backend ignores them.
public enum TermColor: Int, Sendable, Hashable, CaseIterable {
    case `default` = -1, black = 0, red, green, yellow, blue, magenta, cyan, white
}

/// How one cell looks. Meaning never rests on colour alone: selection also uses reverse video or a marker.
public struct Style: Sendable, Hashable {
    public var fg: TermColor
    public var bg: TermColor
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool
    public var dim: Bool

    public init(fg: TermColor = .default, bg: TermColor = .default, bold: Bool = false, reverse: Bool = false,
                underline: Bool = false, dim: Bool = false) {
        self.fg = fg; self.bg = bg; self.bold = bold; self.reverse = reverse; self.underline = underline; self.dim = dim
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let reverse = Style(reverse: true)
    public static let dim = Style(dim: true)
    public static func fg(_ c: TermColor) -> Style { Style(fg: c) }

    public func with(bold: Bool? = nil, reverse: Bool? = nil, underline: Bool? = nil, fg: TermColor? = nil) -> Style {
        var s = self
        if let bold { s.bold = bold }
        if let reverse { s.reverse = reverse }
        if let underline { s.underline = underline }
        if let fg { s.fg = fg }
        return s
    }
}
