import Foundation

/// The two wire formats for times: ISO-8601 UTC for TradingView and the access API, `Y-m-d H:i:s` GMT
/// for WordPress. Hand-rolled on gmtime/timegm because formatters are slow and not Sendable.
enum Timestamps {
    static let wordPressLifetime = "0000-00-00 00:00:00"

    /// `2026-12-24T00:00:00Z`
    static func iso(_ date: Date) -> String { text(fields(of: date), separator: "T") + "Z" }

    /// `2026-12-24 00:00:00`
    static func wordPress(_ date: Date) -> String { text(fields(of: date), separator: " ") }

    /// Zero-padded by hand: `String(format:)` goes through Foundation on Linux, twice per record of a page.
    private static func text(_ p: Fields, separator: String) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return pad(p.year, 4) + "-" + pad(p.month, 2) + "-" + pad(p.day, 2) + separator
            + pad(p.hour, 2) + ":" + pad(p.minute, 2) + ":" + pad(p.second, 2)
    }

    /// ISO-8601: `YYYY-MM-DD`, optionally `THH:MM:SS`, optional fraction, then `Z`, `±HH:MM` or nothing (UTC).
    static func parseISO(_ text: String) -> Date? {
        parse(Array(text.utf8), separator: UInt8(ascii: "T"))
    }

    /// `Y-m-d H:i:s` in GMT; nil for the lifetime marker or anything unreadable.
    static func parseWordPress(_ text: String) -> Date? {
        guard text != wordPressLifetime else { return nil }
        return parse(Array(text.utf8), separator: UInt8(ascii: " "))
    }

    private struct Fields { var year, month, day, hour, minute, second: Int }

    private static func fields(of date: Date) -> Fields {
        var seconds = time_t(floor(date.timeIntervalSince1970))
        var broken = tm()
        gmtime_r(&seconds, &broken)
        return Fields(year: Int(broken.tm_year) + 1900, month: Int(broken.tm_mon) + 1, day: Int(broken.tm_mday),
                      hour: Int(broken.tm_hour), minute: Int(broken.tm_min), second: Int(broken.tm_sec))
    }

    private static func parse(_ bytes: [UInt8], separator: UInt8) -> Date? {
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + width] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ char: Character) -> Bool {
            guard index < bytes.count, bytes[index] == char.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0
        if index < bytes.count, bytes[index] == separator {
            index += 1
            guard let h = number(2), expect(":"), let m = number(2), expect(":"), let s = number(2),
                  h < 24, m < 60, s < 61 else { return nil }
            (hour, minute, second) = (h, m, s)
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            }
        }
        var offset = 0
        if index < bytes.count {
            if expect("Z") {
                offset = 0
            } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "+") ? 1 : -1
                index += 1
                guard let oh = number(2) else { return nil }
                _ = expect(":")
                guard let om = number(2) else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard index == bytes.count else { return nil }
        var broken = tm()
        broken.tm_year = Int32(year - 1900)
        broken.tm_mon = Int32(month - 1)
        broken.tm_mday = Int32(day)
        broken.tm_hour = Int32(hour)
        broken.tm_min = Int32(minute)
        broken.tm_sec = Int32(second)
        let seconds = timegm(&broken)
        return Date(timeIntervalSince1970: TimeInterval(Int(seconds) - offset))
    }
}
