import Foundation

/// Every date the product writes or reads as text goes through `Time/`: this file (the formats people
/// and other programs see), `SnapshotDate` (the store's ISO-8601 with milliseconds), `ISODate` (what
/// TradingView and the access API send), `WordPressDate` (MemberPress's `Y-m-d H:i:s` GMT and its zero
/// date) and `CivilDate` (day numbers). Nothing here uses DateFormatter or Foundation's format styles:
/// they are slow, depend on the locale, and each place that built its own drifted (whole seconds here,
/// milliseconds there, "never" parsed in one place only). All of it is UTC.
public enum TimeText {
    // MARK: ISO-8601

    /// `2026-12-24T00:00:00Z`: whole seconds (rounded down), UTC; what `ISO8601DateFormatter` writes.
    public static func iso(_ date: Date) -> String { ISODate.format(date) }

    /// `2026-12-24T00:00:00.120Z`: UTC, always with milliseconds (the event log's time).
    public static func isoMilliseconds(_ date: Date) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        SnapshotDate.write(date, into: &out, alwaysMilliseconds: true)
        return String(decoding: out, as: UTF8.self)
    }

    /// Any ISO-8601 form we meet: with or without fraction, `Z` or an offset, a `T` or a space, or a bare
    /// date (UTC midnight). Nil for anything else, and for days that do not exist (2027-02-30).
    public static func parseISO(_ text: String) -> Date? { ISODate.parse(text) }

    /// `2026-12-24`: the UTC day.
    public static func day(_ date: Date) -> String {
        let (y, m, d) = civil(date)
        return "\(pad(y, 4))-\(pad(m))-\(pad(d))"
    }

    /// `24 December 2026`: the UTC day for a customer's page.
    public static func longDay(_ date: Date) -> String {
        let (y, m, d) = civil(date)
        return "\(d) \(monthNames[m - 1]) \(y)"
    }

    // MARK: MemberPress

    /// `2026-12-24 13:05:09`: MemberPress's `Y-m-d H:i:s`, GMT.
    public static func wordPress(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = floorDiv(seconds, 86_400)
        let (y, m, d) = CivilDate.civil(fromDays: days)
        let s = Int(seconds - days * 86_400)
        return "\(pad(y, 4))-\(pad(m))-\(pad(d)) \(pad(s / 3600)):\(pad(s / 60 % 60)):\(pad(s % 60))"
    }

    /// MemberPress's date or its zero date (`0000-00-00 00:00:00`, "never").
    public static func parseWordPress(_ text: String) -> WordPressDate.Parsed? { WordPressDate.parse(text) }

    // MARK: mail and HTTP

    /// `Thu, 24 Dec 2026 13:05:09 +0000`: a mail's `Date:` header (RFC 5322), UTC.
    public static func rfc5322(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = floorDiv(seconds, 86_400)
        let (y, m, d) = CivilDate.civil(fromDays: days)
        let s = Int(seconds - days * 86_400)
        // 1970-01-01 was a Thursday.
        let weekday = weekdayNames[Int(((days % 7) + 7 + 4) % 7)]
        return "\(weekday), \(pad(d)) \(monthNames[m - 1].prefix(3)) \(pad(y, 4)) \(pad(s / 3600)):\(pad(s / 60 % 60)):\(pad(s % 60)) +0000"
    }

    /// An HTTP date (RFC 9110 5.6.7) in any of its three forms: `Sun, 06 Nov 1994 08:49:37 GMT`,
    /// `Sunday, 06-Nov-94 08:49:37 GMT`, `Sun Nov  6 08:49:37 1994`. Nil for anything else.
    public static func parseHTTPDate(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int?, month: Int?, year: Int?
        var time = ""
        switch parts.count {
        case 6 where isGMT(parts[5]):
            day = Int(parts[1]); month = monthNumber(parts[2]); year = Int(parts[3]); time = parts[4]
        case 4 where isGMT(parts[3]):
            let dmy = parts[1].split(separator: "-").map(String.init)
            guard dmy.count == 3, let yy = Int(dmy[2]) else { return nil }
            day = Int(dmy[0]); month = monthNumber(dmy[1]); time = parts[2]
            // RFC 9110: a two-digit year more than 50 years ahead means the past century.
            year = dmy[2].count == 2 ? (yy < 70 ? 2000 + yy : 1900 + yy) : yy
        case 5:
            month = monthNumber(parts[1]); day = Int(parts[2]); time = parts[3]; year = Int(parts[4])
        default:
            return nil
        }
        let hms = time.split(separator: ":").map { Int($0) }
        guard let day, let month, let year, hms.count == 3, let h = hms[0], let mi = hms[1], let s = hms[2],
              h < 24, mi < 60, s < 61,
              CivilDate.civil(fromDays: CivilDate.days(fromCivil: year, month, day)) == (year, month, day) else { return nil }
        let seconds = CivilDate.days(fromCivil: year, month, day) * 86_400 + Int64(h * 3600 + mi * 60 + s)
        return Date(timeIntervalSince1970: Double(seconds))
    }

    // MARK: JSON

    /// Dates in JSON files and `--json` output: `iso(_:)`, read back with `parseISO(_:)` (which also
    /// reads what `JSONEncoder`'s `.iso8601` wrote before, so existing files load unchanged).
    public static let jsonEncoding = JSONEncoder.DateEncodingStrategy.custom { date, encoder in
        var c = encoder.singleValueContainer()
        try c.encode(iso(date))
    }

    public static let jsonDecoding = JSONDecoder.DateDecodingStrategy.custom { decoder in
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let date = parseISO(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected an ISO-8601 date, got \"\(text)\"")
        }
        return date
    }

    // MARK: parts

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]
    static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    static func monthNumber(_ name: String) -> Int? {
        monthNames.firstIndex { $0.prefix(3).lowercased() == name.lowercased() }.map { $0 + 1 }
    }

    private static func isGMT(_ zone: String) -> Bool { zone == "GMT" || zone == "UTC" }

    private static func civil(_ date: Date) -> (Int, Int, Int) {
        CivilDate.civil(fromDays: floorDiv(Int64(date.timeIntervalSince1970.rounded(.down)), 86_400))
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func pad(_ n: Int, _ width: Int = 2) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
