import Foundation
import Testing
@testable import AccessCore

/// The hand-written parsers that replaced Foundation on hot paths, checked against Foundation.
@Suite struct FastParsingTests {
    @Test func jsonValueParsesEveryKind() throws {
        let text = #"""
        {"s": "a\"b\u00e9\ud83d\ude00", "i": -42, "big": 9007199254740993, "d": 1.5e3, "t": true, "f": false,
         "n": null, "a": [1, "2", [], {}], "o": {"nested": {"deep": "x"}}}
        """#
        let value = try JSONValue.parse(Data(text.utf8))
        #expect(value.value(at: "s") == .string("a\"bé😀"))
        #expect(value.value(at: "i") == .integer(-42))
        #expect(value.value(at: "big") == .integer(9_007_199_254_740_993))
        #expect(value.value(at: "d") == .number(1500))
        #expect(value.value(at: "t") == .bool(true))
        #expect(value.value(at: "f") == .bool(false))
        #expect(value.value(at: "n") == .null)
        #expect(value.value(at: "a") == .array([.integer(1), .string("2"), .array([]), .object([:])]))
        #expect(value.value(at: "o.nested.deep")?.text == "x")
    }

    @Test func jsonValueAgreesWithJSONDecoder() throws {
        let text = #"[{"id": "7", "amount": "29.00", "member": {"id": 3, "profile": {"u": "Name"}}, "x": [true, null, 2.25]}]"#
        let fast = try JSONValue.parse(Data(text.utf8))
        let slow = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(fast == slow)
    }

    @Test func jsonValueRefusesWhatIsNotJSON() {
        for text in ["", "<!DOCTYPE html>", "[1, 2", #"{"a": }"#, "[1] trailing", "nul", "-", #"{"a" 1}"#] {
            #expect(throws: (any Error).self, "\(text)") { try JSONValue.parse(Data(text.utf8)) }
        }
    }

    @Test func isoDatesMatchFoundationBothWays() {
        let foundation = ISO8601DateFormatter()
        var seed: UInt64 = 12345
        for _ in 0..<500 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            // 1900 .. 2200, whole seconds
            let seconds = Double(Int64(seed >> 33) % 9_467_280_000) - 2_208_988_800
            let date = Date(timeIntervalSince1970: seconds)
            #expect(ISODate.format(date) == foundation.string(from: date))
            #expect(ISODate.parse(foundation.string(from: date)) == date)
        }
    }

    @Test func isoParseKeepsItsRules() {
        #expect(ISODate.parse(" 2026-02-28 23:59:59 ") == ISODate.parse("2026-02-28T23:59:59Z"))
        #expect(ISODate.parse("2026-03-01T01:00:00+01:00") == ISODate.parse("2026-03-01T00:00:00Z"))
        #expect(ISODate.parse("2026-03-01T00:00:00.5Z")?.timeIntervalSince(ISODate.parse("2026-03-01")!) == 0.5)
        #expect(ISODate.parse("2026-02-29T00:00:00Z") == nil, "not a leap year")
        #expect(ISODate.parse("2024-02-29T00:00:00Z") != nil)
        #expect(ISODate.parse("2026-13-01") == nil)
        #expect(ISODate.parse("2026-04-31") == nil)
        #expect(WordPressDate.parse("\t2026-01-02 03:04:05 ") == .date(ISODate.parse("2026-01-02T03:04:05Z")!))
        #expect(WordPressDate.parse("0000-00-00 00:00:00") == .never)
    }
}
