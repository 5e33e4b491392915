/// Column-aware text fitting: widths are terminal columns, not Characters.
public enum Text {
    /// Pads or cuts `text` to exactly `width` columns; a cut ends in "…".
    public static func fit(_ text: String, width: Int, alignRight: Bool = false) -> String {
        guard width > 0 else { return "" }
        let w = CharWidth.of(text)
        if w <= width {
            let pad = String(repeating: " ", count: width - w)
            return alignRight ? pad + text : text + pad
        }
        var out = "", used = 0
        for ch in text {
            let cw = CharWidth.of(ch)
            if used + cw > width - 1 { break }
            out.append(ch); used += cw
        }
        return out + "…" + String(repeating: " ", count: max(0, width - 1 - used))
    }

    /// Cuts to at most `width` columns without padding.
    public static func truncate(_ text: String, width: Int) -> String {
        CharWidth.of(text) <= width ? text : String(fit(text, width: width).reversed().drop(while: { $0 == " " }).reversed())
    }
}
