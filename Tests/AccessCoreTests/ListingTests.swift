import Foundation
import Testing
@testable import AccessCore

/// Issue 11.5: headless output carries no terminal controls and keeps one record per line.
@Suite struct ListingTests {
    /// ESC, OSC 52 (clipboard) and OSC 0 (title) ended by BEL, NUL, a C1 CSI, RLO, DEL, a tab, line breaks.
    static let hostile = "evil\u{1B}]52;c;aGk=\u{07}\u{1B}]0;owned\u{07}\u{0}\u{9B}2J\u{202E}gnp\u{7F}\tx\nforged\tline\r\u{2028}end"

    static func unsafe(_ text: String) -> Bool {
        text.unicodeScalars.contains { s in
            (s.value < 0x20 && s != "\t") || (0x7F...0x9F).contains(s.value) || (0x2028...0x202E).contains(s.value)
                || (0x2066...0x2069).contains(s.value) || (0x200E...0x200F).contains(s.value)
        }
    }

    static let at = Date(timeIntervalSince1970: 1_767_225_600)

    @Test func listsEscapeOutsideTextAndKeepOneRecordPerLine() throws {
        let h = Self.hostile
        let review = ReviewItem(id: h, reason: .invalidUsername, typedName: h, email: h, transactionId: h, productId: h,
                                term: .months(1), detail: h, createdAt: Self.at)
        let retry = RetryItem(id: h, operation: .grant, username: h, email: h, term: nil, transactionId: h, attempts: 1,
                              nextAttemptAt: Self.at, lastError: h, createdAt: Self.at)
        var diff = ResyncDiff(scriptId: "s", missingRemote: [UserAccess(username: h, expiry: nil)],
                              unknownLocal: [RemoteAccess(username: h, expiry: Self.at)], expiryMismatch: [], matching: 0)
        diff.expiryMismatch = [ExpiryMismatch(username: h, local: nil, remote: Self.at)]
        let repair = StoreRepairReport(journalPath: "/m/s.journal", keptLines: 1, damagedLine: 2, damage: "checksum mismatch",
                                       quarantinePath: "/m/s.journal.damaged", lost: ["line 2, seq 2: upsertUser \(h)"])
        let lines = [Listing.review("PUB;x", review), Listing.retry("PUB;x", retry)] + Listing.resync(diff, applied: false)
            + Listing.repair(repair)
        for line in lines {
            #expect(!Self.unsafe(line), "\(line.debugDescription)")
            #expect(!line.contains("\n") && !line.contains("\r"))
        }
        #expect(Listing.review("PUB;x", review).split(separator: "\t").count == 6, "a tab inside a field does not add a field")
        #expect(Listing.review("PUB;x", review).contains("evil^[]52;c;aGk=^G^[]0;owned^G^@\\u{9b}2J\\u{202e}gnp^?^Ix^Jforged^Iline^M\\u{2028}end"))
    }

    @Test func jsonEscapesWhatJSONEncoderLeavesRaw() throws {
        let item = ReviewItem(id: "1", reason: .refund, typedName: Self.hostile, email: "", transactionId: "1", productId: "",
                              term: nil, detail: "", createdAt: Self.at)
        let text = try #require(Listing.json([item]))
        #expect(!Self.unsafe(text), "\(text.debugDescription)")
        let back = try JSONDecoder.iso.decode([ReviewItem].self, from: Data(text.utf8))
        #expect(back[0].typedName == Self.hostile, "the escapes mean the same text")
        #expect(SafeText.json("plain") == "plain")
    }
}

private extension JSONDecoder {
    static var iso: JSONDecoder { let d = JSONDecoder(); d.dateDecodingStrategy = .iso8601; return d }
}
