import Foundation

/// TradingView usernames as customers type them: " @Name ", "https://www.tradingview.com/u/Name/".
public enum Username {
    /// Trims, drops a leading `@`, and takes NAME out of a `tradingview.com/u/NAME/` link.
    /// Returns nil when nothing usable is left.
    public static func normalize(_ raw: String) -> String? {
        var s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if let r = s.range(of: "tradingview.com/u/", options: .caseInsensitive) {
            s = String(s[r.upperBound...])
            if let slash = s.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { s = String(s[..<slash]) }
        }
        while s.hasPrefix("@") { s.removeFirst() }
        s = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !s.isEmpty, s.count <= 64 else { return nil }
        // TradingView names are letters, digits, underscore, dot and dash; anything else cannot be valid.
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_.-"))
        guard s.unicodeScalars.allSatisfy({ allowed.contains($0) && $0.isASCII }) else { return nil }
        return s
    }

    /// The key users are stored and compared under: TradingView names are case-insensitive.
    public static func key(_ name: String) -> String { name.lowercased() }
}
