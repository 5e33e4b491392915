import Foundation
import Testing
@testable import AccessCore

/// Issue 19.9b: one time module (`Sources/AccessCore/Time`) writes and reads every date.
@Suite struct TimeTextTests {
    /// 2026-12-24 13:05:09.250 UTC, a Thursday.
    let t = Date(timeIntervalSince1970: 1_798_117_509.25)

    @Test func isoFormsWriteAndReadBack() {
        #expect(TimeText.iso(t) == "2026-12-24T13:05:09Z")
        #expect(TimeText.isoMilliseconds(t) == "2026-12-24T13:05:09.250Z")
        #expect(TimeText.isoMilliseconds(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(TimeText.day(t) == "2026-12-24")
        #expect(TimeText.longDay(t) == "24 December 2026")
        #expect(TimeText.longDay(Date(timeIntervalSince1970: 1_767_225_600)) == "1 January 2026")
        #expect(TimeText.parseISO("2026-12-24T13:05:09Z") == Date(timeIntervalSince1970: 1_798_117_509))
        #expect(TimeText.parseISO("2026-12-24T13:05:09.250Z") == t)
        #expect(TimeText.parseISO("2026-12-24T15:05:09.25+02:00") == t)
        #expect(TimeText.parseISO("2026-12-24") == Date(timeIntervalSince1970: 1_798_070_400))
        for bad in ["", "soon", "2026-13-01", "2027-02-30", "2026-12-24T25:00:00Z", "2026-12-24T13:05:09Zjunk"] {
            #expect(TimeText.parseISO(bad) == nil, "read \(bad)")
        }
    }

    @Test func memberPressDatesAndTheZeroDate() {
        #expect(TimeText.wordPress(t) == "2026-12-24 13:05:09")
        #expect(TimeText.parseWordPress("2026-12-24 13:05:09") == .date(Date(timeIntervalSince1970: 1_798_117_509)))
        #expect(TimeText.parseWordPress(TimeText.wordPress(t)) == .date(Date(timeIntervalSince1970: 1_798_117_509)))
        #expect(TimeText.parseWordPress("0000-00-00 00:00:00") == .never)
        #expect(TimeText.parseWordPress(" 0000-00-00 00:00:00 ") == .never)
        #expect(TimeText.parseWordPress("yesterday") == nil)
    }

    @Test func mailAndHTTPDates() {
        #expect(TimeText.rfc5322(t) == "Thu, 24 Dec 2026 13:05:09 +0000")
        #expect(TimeText.rfc5322(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(TimeText.rfc5322(Date(timeIntervalSince1970: 1_767_225_600)) == "Thu, 01 Jan 2026 00:00:00 +0000")
        let rfc = Date(timeIntervalSince1970: 784_111_777)  // RFC 9110's example, Sun 6 Nov 1994 08:49:37
        #expect(TimeText.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == rfc)
        #expect(TimeText.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") == rfc)
        #expect(TimeText.parseHTTPDate("Sun Nov  6 08:49:37 1994") == rfc)
        for bad in ["", "5", "Sun, 06 Nov 1994 08:49:37 EST", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"] {
            #expect(TimeText.parseHTTPDate(bad) == nil, "read \(bad)")
        }
    }

    @Test func jsonDatesReadWhatFoundationWroteBefore() throws {
        struct Box: Codable, Equatable { var at: Date }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = TimeText.jsonEncoding
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = TimeText.jsonDecoding
        let whole = Box(at: Date(timeIntervalSince1970: 1_798_117_509))
        #expect(String(decoding: try encoder.encode(whole), as: UTF8.self) == #"{"at":"2026-12-24T13:05:09Z"}"#)
        #expect(try decoder.decode(Box.self, from: encoder.encode(whole)) == whole)
        // What `.iso8601` wrote before the time module (files on disk: the inbox, the session status).
        let old = JSONEncoder()
        old.dateEncodingStrategy = .iso8601
        #expect(try decoder.decode(Box.self, from: old.encode(whole)) == whole)
        #expect(throws: DecodingError.self) { try decoder.decode(Box.self, from: Data(#"{"at":"later"}"#.utf8)) }
    }

    /// Nothing outside `Time/` formats or parses dates with Foundation's formatters.
    @Test func noOtherFileUsesFoundationDateFormatters() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        var offenders: [String] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let path = url.path
            // The time module itself; the sandbox is the remote side and imports nothing of ours.
            if path.contains("/AccessCore/Time/") || path.contains("/AccessSandbox/") { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            for needle in ["DateFormatter", "ISO8601", "formatted(", ".iso8601"] where text.contains(needle) {
                offenders.append("\(url.lastPathComponent): \(needle)")
            }
        }
        #expect(offenders.isEmpty)
    }
}
