import Foundation
@testable import AccessCore

/// The master data of `Tests/fixtures/store-v1`: a snapshot and a journal written by the store as it was
/// before journal lines had checksums and named keys (2026-12). Every kind of change and every field of
/// every stored model appears in it, so a format change that cannot read it fails `GoldenStoreTests`.
enum GoldenStore {
    static let scriptId = "PUB;golden0123456789abcdef"

    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/store-v1")
    }

    static func d(_ text: String) -> Date { SnapshotDate.parse(text)! }

    static let alice = UserAccess(
        username: "Alice_FX", email: "alice@example.com", wpUsername: "alice-wp", expiry: d("2027-02-28T12:30:45.250Z"),
        grantedAt: d("2026-01-31T08:00:00Z"),
        history: [HistoryEntry(at: d("2026-01-31T08:00:00Z"), actor: "sync", action: "grant", expiry: d("2026-02-28T08:00:00Z"),
                               transactionId: "tx-1", result: "ok"),
                  HistoryEntry(at: d("2026-02-20T09:15:00.125Z"), actor: "root", action: "extend", expiry: nil,
                               transactionId: nil, result: "failed: HTTP 502 \"bad\"\nline")])
    static let bob = UserAccess(username: "bob", expiry: nil)
    static let carol = UserAccess(username: "Carol ☃", email: "c@example.com", wpUsername: nil, expiry: d("2026-12-24T00:00:00Z"),
                                  grantedAt: nil, history: [])
    static let retry1 = RetryItem(id: "tx-3", operation: .grant, username: "Dave", email: "d@example.com", term: .months(3),
                                  transactionId: "tx-3", attempts: 2, nextAttemptAt: d("2026-03-01T00:00:00Z"),
                                  lastError: "HTTP 503", createdAt: d("2026-02-28T23:00:00Z"))
    static let retry2 = RetryItem(id: "manual-1", operation: .revoke, username: "Eve", email: nil, term: nil,
                                  transactionId: nil, attempts: 0, nextAttemptAt: d("2026-03-02T00:00:00Z"),
                                  lastError: "", createdAt: d("2026-03-01T00:00:00Z"))
    static let review1 = ReviewItem(id: "tx-4", reason: .invalidUsername, typedName: "@not a name", email: "f@example.com",
                                    transactionId: "tx-4", productId: "101", term: .lifetime, detail: "not a TradingView username",
                                    createdAt: d("2026-03-03T00:00:00Z"), emailSentAt: d("2026-03-03T00:00:01Z"))
    static let review2 = ReviewItem(id: "tx-5:refund", reason: .refund, typedName: "Gus", email: "g@example.com",
                                    transactionId: "tx-5", productId: "102", term: .days(7), detail: "payment refunded",
                                    createdAt: d("2026-03-04T00:00:00Z"), emailSentAt: nil)
    static let review3 = ReviewItem(id: "tx-6", reason: .conflict, typedName: "Hal", email: "", transactionId: "tx-6",
                                    productId: "", term: .years(1), detail: "gave up", createdAt: d("2026-03-05T00:00:00Z"))
    static let intent1 = WriteIntent(id: "i-1", operation: .extend, username: "Alice_FX", targetExpiry: d("2027-02-28T12:30:45.250Z"),
                                     previousExpiry: d("2026-02-28T08:00:00Z"), wasKnown: true, transactionId: "tx-7",
                                     createdAt: d("2026-03-06T00:00:00Z"))
    static let intent2 = WriteIntent(id: "i-2", operation: .grant, username: "Ivy", targetExpiry: nil, previousExpiry: nil,
                                     wasKnown: false, transactionId: nil, createdAt: d("2026-03-07T00:00:00Z"))

    /// Commits folded into the snapshot (journalSequence 3).
    static let snapshotCommits: [[AccessChange]] = [
        [.setTitle("Golden Script"), .setBootstrapped(true), .upsertUser(alice), .upsertUser(bob)],
        [.markProcessed(transactionId: "tx-1"), .markProcessed(transactionId: "tx-2"), .setLastProcessed(d("2026-02-01T00:00:00Z"))],
        [.putRetry(retry1), .putRetry(retry2), .putReview(review1), .putReview(review2), .openIntent(intent1)],
    ]
    /// Commits left in the journal (seq 4...).
    static let journalCommits: [[AccessChange]] = [
        [.openIntent(intent2)],
        [.upsertUser(carol)],
        [.appendHistory(username: "carol ☃", entry: HistoryEntry(at: d("2026-03-08T00:00:00Z"), actor: "sync", action: "grant",
                                                                expiry: d("2026-12-24T00:00:00Z"), transactionId: "tx-8"))],
        [.closeIntent(id: "i-1"), .markProcessed(transactionId: "tx-7")],
        [.removeUser(username: "BOB")],
        [.dropRetry(id: "tx-3"), .putReview(review3), .dropReview(id: "tx-5:refund")],
        [.setLastProcessed(d("2026-03-08T00:00:00.500Z")), .setTitle("Golden Script 2"), .setBootstrapped(true)],
    ]

    /// What loading the fixture must give.
    static var expected: ScriptAccess {
        var s = ScriptAccess(scriptId: scriptId)
        for commit in snapshotCommits + journalCommits { s.apply(changes: commit) }
        return s
    }
}
