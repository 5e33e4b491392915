import Foundation

/// ISO-8601 timestamps as TradingView and the access API send them: `2026-12-24T00:00:00Z`, with or
/// without fractional seconds (any number of digits), `Z` or a numeric offset, or a bare date (UTC midnight).
public enum ISODate {
    public static func parse(_ text: String) -> Date? {
        let s = Array(text.trimmingASCIISpace().utf8)
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
              CivilDate.civil(fromDays: CivilDate.days(fromCivil: year, month, day)) == (year, month, day) else { return nil }
        // Calendar arithmetic would cost tens of microseconds a date; WordPress pages hold hundreds.
        let seconds = CivilDate.days(fromCivil: year, month, day) * 86_400
            + Int64(parts.hour! * 3600 + parts.minute! * 60 + parts.second!)
        return Date(timeIntervalSince1970: Double(seconds) + fraction - Double(offsetSeconds))
    }

    /// `2026-12-24T00:00:00Z`: whole seconds, UTC (what ISO8601DateFormatter writes, without building one).
    public static func format(_ date: Date) -> String {
        SnapshotDate.string(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }
}

extension String {
    /// Without leading and trailing spaces and tabs. Foundation's `trimmingCharacters` goes through
    /// NSString on Linux, which costs microseconds a call on pages of hundreds of dates.
    func trimmingASCIISpace() -> String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        return String(self[first...last])
    }
}
