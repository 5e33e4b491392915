import Foundation

/// WordPress and MemberPress dates: `Y-m-d H:i:s` in GMT, `0000-00-00 00:00:00` for "never".
public enum WordPressDate {
    public enum Parsed: Sendable, Hashable {
        case date(Date)
        /// MemberPress's zero date: lifetime for `expires_at`.
        case never
    }

    public static func parse(_ text: String) -> Parsed? {
        let trimmed = text.trimmingASCIISpace()
        if trimmed.hasPrefix("0000-00-00") { return .never }
        // `Y-m-d H:i:s` is ISO-8601 with a space; a bare time zone means GMT here.
        return ISODate.parse(trimmed).map(Parsed.date)
    }
}
