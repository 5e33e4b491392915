import Foundation
import Testing
@testable import AccessCore

/// The hand-written journal codec against Codable, the format it must keep: every change kind, both ways.
@Suite struct JournalCodecTests {
    static let at = Date(timeIntervalSince1970: 1_767_225_600.25)

    static let everyKind: [AccessChange] = [
        .upsertUser(UserAccess(username: "Trader_1", email: "t1@example.com", wpUsername: "t1", expiry: at, grantedAt: at,
                               history: [HistoryEntry(at: at, actor: "sync", action: "grant", expiry: at, transactionId: "tx1"),
                                         HistoryEntry(at: at, actor: "ops", action: "revoke", expiry: nil, transactionId: nil, result: "failed")])),
        .upsertUser(UserAccess(username: "Quote\"and\\slash/é", expiry: nil)),
        .removeUser(username: "gone"),
        .appendHistory(username: "trader_1", entry: HistoryEntry(at: at, actor: "sync", action: "extend", expiry: at)),
        .markProcessed(transactionId: "tx\n2"),
        .setLastProcessed(at),
        .setTitle("Alpha"),
        .setBootstrapped(true),
        .putRetry(RetryItem(id: "r1", operation: .extend, username: "Trader_1", email: nil, term: .months(1), transactionId: "tx3",
                            attempts: 2, nextAttemptAt: at, lastError: "HTTP 502", createdAt: at)),
        .dropRetry(id: "r1"),
        .putReview(ReviewItem(id: "tx4", reason: .invalidUsername, typedName: "@bad", email: "b@example.com", transactionId: "tx4",
                              productId: "101", term: .lifetime, detail: "no such user", createdAt: at)),
        .dropReview(id: "tx4"),
        .openIntent(WriteIntent(id: "intent-1", operation: .grant, username: "Trader_1", targetExpiry: at, previousExpiry: nil,
                                wasKnown: false, transactionId: "tx5", createdAt: at)),
        .openIntent(WriteIntent(id: "intent-2", operation: .revoke, username: "x", targetExpiry: nil, previousExpiry: at,
                                wasKnown: true, transactionId: nil, createdAt: at)),
        .closeIntent(id: "intent-1"),
    ]

    func decode(_ bytes: [UInt8]) throws -> JournalLine {
        try bytes.withUnsafeBufferPointer { try JournalCodec.decode($0, decoder: StoreJSON.decoder()) }
    }

    @Test func everyKindRoundTripsThroughTheCodec() throws {
        let line = JournalLine(seq: 42, changes: Self.everyKind)
        let decoded = try decode(try JournalCodec.encode(line, encoder: StoreJSON.encoder()))
        #expect(decoded.seq == 42)
        #expect(decoded.changes == Self.everyKind)
    }

    @Test func linesCodableWroteStillRead() throws {
        let line = JournalLine(seq: 7, changes: Self.everyKind)
        let codable = try StoreJSON.encoder().encode(line)
        #expect(try decode(Array(codable)).changes == Self.everyKind)
    }

    @Test func codableReadsWhatTheCodecWrites() throws {
        let bytes = try JournalCodec.encode(JournalLine(seq: 9, changes: Self.everyKind), encoder: StoreJSON.encoder())
        let line = try StoreJSON.decoder().decode(JournalLine.self, from: Data(bytes))
        #expect(line.changes == Self.everyKind)
        #expect(!bytes.contains(0x0A), "one change set, one line")
    }

    @Test func brokenLinesAreErrorsNotGuesses() {
        for text in [#"{"changes":[{"closeIntent":{"id":"a"}}]}"#,          // no seq
                     #"{"changes":[{"closeIntent":{"id":"a"}},"seq":1}"#,   // unclosed array
                     #"{"changes":[{"noSuchChange":{}}],"seq":1}"#,
                     #"{"changes":[{"openIntent":{"_0":{"id":"a"}}}],"seq":1}"#] {
            #expect(throws: (any Error).self, "\(text)") { try decode(Array(text.utf8)) }
        }
    }
}
