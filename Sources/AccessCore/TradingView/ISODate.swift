import Foundation

/// ISO-8601 timestamps as TradingView and the access API send them: `2026-12-24T00:00:00Z`, with or
/// without fractional seconds (any number of digits), `Z` or a numeric offset, or a bare date (UTC midnight).
public enum ISODate {
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    public static func parse(_ text: String) -> Date? {
        let s = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= s.count else { return nil }
            var value = 0
            for byte in s[i..<i + digits] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            i += digits
            return value
        }
        func expect(_ char: UInt8) -> Bool {
            guard i < s.count, s[i] == char else { return false }
            i += 1; return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), expect(UInt8(ascii: "-")),
              let day = number(2) else { return nil }
        var parts = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        var fraction = 0.0
        var offsetSeconds = 0
        if i < s.count {
            guard expect(UInt8(ascii: "T")) || expect(UInt8(ascii: " ")),
                  let hour = number(2), expect(UInt8(ascii: ":")), let minute = number(2) else { return nil }
            parts.hour = hour; parts.minute = minute
            if expect(UInt8(ascii: ":")) {
                guard let second = number(2) else { return nil }
                parts.second = second
                if expect(UInt8(ascii: ".")) {
                    var scale = 0.1
                    let start = i
                    while i < s.count, (48...57).contains(s[i]) { fraction += Double(s[i] - 48) * scale; scale /= 10; i += 1 }
                    guard i > start else { return nil }
                }
            }
            if !expect(UInt8(ascii: "Z")), i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let hours = number(2) else { return nil }
                _ = expect(UInt8(ascii: ":"))
                guard let minutes = number(2) else { return nil }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
            }
            guard i == s.count else { return nil }
        }
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(parts.hour!),
              (0...59).contains(parts.minute!), (0...60).contains(parts.second!),
              let date = utc.date(from: parts), utc.component(.day, from: date) == day else { return nil }
        return date.addingTimeInterval(fraction - Double(offsetSeconds))
    }

    /// `2026-12-24T00:00:00Z`: whole seconds, UTC.
    public static func format(_ date: Date) -> String {
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))Z"
    }
}
