import Foundation
import Testing
@testable import AccessCore

/// Issue 11: random and deeply nested input into the WordPress mapper and the journal reader, a fixed
/// number of iterations from a fixed seed (reproducible, bounded): every input ends in a value or an
/// error, never a crash.
@Suite struct HostileInputFuzzTests {
    /// xorshift64*: deterministic, so a failure reproduces.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let alphabet = Array(#"{}[]:,"\ 0123456789.eE+-truefalsnl_abcxyz/\u00"#.utf8) + [0x0A, 0x00, 0x1B, 0xC3, 0xA9, 0xFF]

    /// Fragments of valid JSON, random bytes, mutations of a real record, and deep nesting.
    static func sample(_ r: inout Random, seedText: [UInt8]) -> [UInt8] {
        switch r.below(4) {
        case 0:
            return (0..<r.below(200)).map { _ in alphabet[r.below(alphabet.count)] }
        case 1:
            var t = seedText
            for _ in 0..<(1 + r.below(5)) where !t.isEmpty {
                let i = r.below(t.count)
                switch r.below(3) {
                case 0: t[i] = alphabet[r.below(alphabet.count)]
                case 1: t.remove(at: i)
                default: t.insert(alphabet[r.below(alphabet.count)], at: i)
                }
            }
            return t
        case 2:
            let depth = 100 + r.below(8_000)
            let open = r.below(2) == 0 ? "[" : "{\"a\":"
            return Array((String(repeating: open, count: depth) + "1").utf8)
        default:
            let depth = r.below(200)
            return Array((String(repeating: "[", count: depth) + "{\"id\":1}" + String(repeating: "]", count: depth)).utf8)
        }
    }

    @Test func theWordPressMapperSurvivesRandomPages() {
        var r = Random(state: 0x5EED_0001)
        let record = Array(#"[{"id":"7","status":"complete","created_at":"2025-01-30 12:00:00","expires_at":"0000-00-00 00:00:00","membership":{"id":"101"},"member":{"email":"a@b.c","username":"wp","profile":{"mepr_tradingview_username":"Trader"}}}]"#.utf8)
        let mapper = TransactionRecordMapper(style: .memberpress, usernameField: "member.profile.mepr_tradingview_username", productField: nil)
        var parsed = 0
        for _ in 0..<2000 {
            let bytes = Self.sample(&r, seedText: record)
            guard case .array(let records)? = try? JSONValue.parse(Data(bytes)) else { continue }
            parsed += 1
            _ = mapper.mapAll(records)
        }
        #expect(parsed > 0, "some samples are valid pages, so the mapper runs too")
    }

    @Test func theJournalReaderSurvivesRandomLines() throws {
        var r = Random(state: 0x5EED_0002)
        var w = try JournalCodec.encode(JournalLine(seq: 1, changes: [.setTitle("x"), .markProcessed(transactionId: "t")]),
                                        encoder: StoreJSON.encoder())
        w.append(0x0A)
        let good = w
        let decoder = StoreJSON.decoder()
        var intact = 0
        for _ in 0..<2000 {
            var bytes = good + Self.sample(&r, seedText: good)
            if r.below(2) == 0 { bytes.append(0x0A) }
            let (contents, damage) = JournalReader.scan(bytes, snapshotSequence: 0, decoder: decoder)
            #expect(contents.intactLength <= bytes.count)
            if damage == nil { intact += 1 }
            #expect(contents.lines.first?.seq == 1, "the good first line is always kept")
        }
        #expect(intact > 0)
    }
}

/// Issue 11.11: outside strings are capped before they travel into master data, screens and emails.
@Suite struct OutsideStringCapTests {
    typealias F = Fixture
    let mapper = TransactionRecordMapper(style: .sinceEndpoint, usernameField: "tradingview_username", productField: nil)

    func record(id: String = "7", name: String, email: String = "a@example.com") -> JSONValue {
        .object(["id": .string(id), "product_id": .string("p1"), "status": .string("complete"), "created_at": .string("2025-01-30 12:00:00"),
                 "email": .string(email), "tradingview_username": .string(name), "wp_username": .string(name)])
    }

    @Test func aTenMegabyteUsernameIsCutAndGoesToReviewWithItsReason() throws {
        let huge = String(repeating: "A", count: 10 << 20)
        let tx = try #require(mapper.map(record(name: huge)).transaction)
        #expect(tx.tradingViewUsername.count == TransactionRecordMapper.maxNameLength + 1 && tx.wpUsername!.count < 100)
        let plan = SyncPlanner.plan(.init(transactions: [tx], products: ["p1": F.product(.months(1), stacking: true)],
                                          states: [F.script: F.state()], now: F.date(2025, 1, 31)))
        let review = try #require(plan.scripts.first?.reviews.first)
        #expect(review.item.detail.contains("longer than 64 characters") && review.item.typedName.count < 100)
    }

    @Test func hugeIdsAreRejectedAndHugeEmailsDropped() throws {
        let rejected = try #require(mapper.map(record(id: String(repeating: "9", count: 5000), name: "Ann")).rejection)
        #expect(rejected.reason.contains("id longer than") && (rejected.recordId?.count ?? 0) < 50)
        let tx = try #require(mapper.map(record(name: "Ann", email: String(repeating: "e", count: 300) + "@x.com")).transaction)
        #expect(tx.email.isEmpty, "no email is sent to an address that cannot exist")
    }
}
