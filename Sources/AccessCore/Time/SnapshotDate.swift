import Foundation

/// ISO-8601 UTC timestamps with millisecond precision ("2025-01-31T12:00:00.250Z"), the one date format
/// of snapshot and journal. Dates are rounded to the millisecond so that format -> parse -> format is
/// stable: a state loaded from disk equals the state that was committed.
enum SnapshotDate {
    /// Appends the text form of `date` to `out`: whole seconds print without a fraction.
    static func write(_ date: Date, into out: inout [UInt8], alwaysMilliseconds: Bool = false) {
        let totalMs = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let secs = floorDiv(totalMs, 1000)
        let ms = Int(totalMs - secs * 1000)
        let days = floorDiv(secs, 86_400)
        let secOfDay = Int(secs - days * 86_400)
        let (y, m, d) = CivilDate.civil(fromDays: days)
        digits(y, width: 4, into: &out); out.append(0x2D)
        digits(m, width: 2, into: &out); out.append(0x2D)
        digits(d, width: 2, into: &out); out.append(0x54)
        digits(secOfDay / 3600, width: 2, into: &out); out.append(0x3A)
        digits(secOfDay / 60 % 60, width: 2, into: &out); out.append(0x3A)
        digits(secOfDay % 60, width: 2, into: &out)
        if ms != 0 || alwaysMilliseconds { out.append(0x2E); digits(ms, width: 3, into: &out) }
        out.append(0x5A)
    }

    static func string(_ date: Date) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        write(date, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|-HH:MM)`; nil when the text is anything else.
    static func parse(_ p: UnsafeBufferPointer<UInt8>) -> Date? {
        let n = p.count
        guard n >= 20, p[4] == 0x2D, p[7] == 0x2D, p[10] == 0x54 || p[10] == 0x20,
              p[13] == 0x3A, p[16] == 0x3A,
              let y = number(p, 0, 4), let mo = number(p, 5, 2), let d = number(p, 8, 2),
              let h = number(p, 11, 2), let mi = number(p, 14, 2), let s = number(p, 17, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if p[i] == 0x2E {
            i += 1
            var scale = 0.1
            let start = i
            while i < n, let digit = digit(p[i]) { fraction += Double(digit) * scale; scale /= 10; i += 1 }
            guard i > start else { return nil }
        }
        guard i < n else { return nil }
        var offset = 0
        switch p[i] {
        case 0x5A, 0x7A: i += 1
        case 0x2B, 0x2D:
            let sign = p[i] == 0x2B ? 1 : -1
            guard n - i >= 6, p[i + 3] == 0x3A, let oh = number(p, i + 1, 2), let om = number(p, i + 4, 2) else { return nil }
            offset = sign * (oh * 3600 + om * 60)
            i += 6
        default: return nil
        }
        guard i == n else { return nil }
        let secs = CivilDate.days(fromCivil: y, mo, d) * 86_400 + Int64(h * 3600 + mi * 60 + s - offset)
        let totalMs = secs * 1000 + Int64((fraction * 1000).rounded())
        return Date(timeIntervalSince1970: Double(totalMs) / 1000)
    }

    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func digit(_ c: UInt8) -> Int? { c >= 0x30 && c <= 0x39 ? Int(c - 0x30) : nil }

    private static func number(_ p: UnsafeBufferPointer<UInt8>, _ at: Int, _ width: Int) -> Int? {
        var v = 0
        for k in at..<(at + width) { guard let d = digit(p[k]) else { return nil }; v = v * 10 + d }
        return v
    }

    private static func digits(_ value: Int, width: Int, into out: inout [UInt8]) {
        var v = value
        var buf: (UInt8, UInt8, UInt8, UInt8) = (0x30, 0x30, 0x30, 0x30)
        withUnsafeMutableBytes(of: &buf) { b in
            var k = width - 1
            while k >= 0 { b[k] = UInt8(0x30 + v % 10); v /= 10; k -= 1 }
            out.append(contentsOf: b[0..<width])
        }
    }
}
