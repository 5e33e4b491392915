import AccessCore
import Foundation

/// Date and number formatting for the screen, on `CivilDate` (`AccessCore/Time`): no Foundation formatters.
/// Times are shown in the machine's time zone; days and expiries in UTC, as the core stores them.
public enum Formats {
    static func civil(_ seconds: Int) -> (y: Int, m: Int, d: Int, hh: Int, mm: Int, ss: Int) {
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let secs = seconds - days * 86_400
        let (y, m, d) = CivilDate.civil(fromDays: Int64(days))
        return (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
    }

    static func pad(_ n: Int, _ width: Int = 2) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// 2025-03-01 (UTC).
    public static func day(_ date: Date) -> String {
        let c = civil(Int(date.timeIntervalSince1970.rounded(.down)))
        return "\(c.y)-\(pad(c.m))-\(pad(c.d))"
    }

    static func local(_ date: Date) -> Int {
        Int(date.timeIntervalSince1970.rounded(.down)) + TimeZone.current.secondsFromGMT(for: date)
    }

    /// 14:03:09, local time.
    public static func clock(_ date: Date) -> String {
        let c = civil(local(date))
        return "\(pad(c.hh)):\(pad(c.mm)):\(pad(c.ss))"
    }

    /// 2025-03-01 14:03:09, local time.
    public static func dateTime(_ date: Date) -> String {
        let c = civil(local(date))
        return "\(c.y)-\(pad(c.m))-\(pad(c.d)) \(pad(c.hh)):\(pad(c.mm)):\(pad(c.ss))"
    }

    /// A short duration: 45s, 12m, 5h, 3d, 2y.
    public static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(abs(seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3600)h" }
        if s < 365 * 86_400 { return "\(s / 86_400)d" }
        return "\(s / (365 * 86_400))y"
    }

    /// Days from today to `date`'s day, UTC (negative once past): `DaysLeft`, as `export` counts them.
    public static func daysLeft(_ date: Date, now: Date) -> Int { DaysLeft.until(date, now: now) }

    /// A count for a narrow column: exact up to 999,999 (7 characters), then 1.2M.
    public static func shortCount(_ n: Int) -> String {
        abs(n) < 1_000_000 ? count(n) : String(format: "%.1fM", Double(n) / 1_000_000)
    }

    /// 100000 -> 100,000.
    public static func count(_ n: Int) -> String {
        let s = String(abs(n))
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }
}
