import Foundation

/// The one way outside text enters HTML (mails and the fix-link pages): control characters, line
/// separators and bidi overrides made visible as `SafeText` writes them (`^[`, `\u{202e}`), then
/// `& < > " '` escaped, so a value is safe in element text and in a quoted attribute alike.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var out = ""
        let safe = SafeText.text(text)
        out.reserveCapacity(safe.utf8.count)
        for ch in safe {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
