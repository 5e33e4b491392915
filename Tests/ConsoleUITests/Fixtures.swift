import AccessCore
import Foundation
@testable import ConsoleUI

/// A fixed clock and small, hand-made data so assertions can name exact rows.
enum Fixture {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)   // 2025-06-15

    static func user(_ name: String, email: String? = nil, days: Double?) -> UserAccess {
        UserAccess(username: name, email: email ?? "\(name.lowercased())@example.com",
                   expiry: days.map { now.addingTimeInterval($0 * 86_400) },
                   history: [HistoryEntry(at: now.addingTimeInterval(-3600), actor: "sync", action: "grant")])
    }

    /// `edit` changes the scripts before the snapshot is made (its scripts are fixed once it is).
    static func snapshot(extraUsers: Int = 0, readOnly: Bool = false, edit: (inout [ScriptAccess]) -> Void = { _ in }) -> ConsoleSnapshot {
        var a = ScriptAccess(scriptId: "PUB;alpha", title: "Alpha Trend")
        for u in [user("Alice", days: 30), user("bob_lapsed", days: -3), user("Carol", days: 5), user("dave_forever", days: nil)] {
            a.apply(.upsertUser(u))
        }
        for u in SampleUsers.make(count: extraUsers, now: now, prefix: "extra") { a.apply(.upsertUser(u)) }
        a.apply(.putReview(ReviewItem(id: "tx-9", reason: .invalidUsername, typedName: "@jonh smith", email: "john@example.com",
                                      transactionId: "tx-9", productId: "7", term: .months(1), detail: "not found",
                                      createdAt: now.addingTimeInterval(-7200))))
        a.apply(.putRetry(RetryItem(id: "tx-5", operation: .grant, username: "slow_sam", email: nil, term: .months(1),
                                    transactionId: "tx-5", attempts: 2, nextAttemptAt: now.addingTimeInterval(300),
                                    lastError: "503 from TradingView", createdAt: now)))
        var b = ScriptAccess(scriptId: "PUB;beta", title: "Beta Osc")
        b.apply(.upsertUser(user("zed", days: 100)))
        a.bootstrapped = true; b.bootstrapped = true   // synced before; a first run is a test's own case
        var scripts = [a, b]
        edit(&scripts)
        return ConsoleSnapshot(configPath: "/etc/access/config.json", scripts: scripts,
                               session: SessionStatusInfo(status: .valid, lastCheck: now.addingTimeInterval(-60), lastResult: "200 OK",
                                                          cookiesSavedAt: now.addingTimeInterval(-2 * 86_400), account: "vendor"),
                               modes: ModeReport(dryRun: false, readOnly: readOnly, version: 1))
    }

    static func state(size: Size = Size(width: 80, height: 24), readOnly: Bool = false, extraUsers: Int = 0) -> ConsoleState {
        var s = try! ConsoleState(size: size, now: now, options: ConsoleOptions(readOnly: readOnly, color: true))
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(snapshot(extraUsers: extraUsers, readOnly: readOnly))))
        return s
    }

    /// Feeds keys and returns every effect they produced.
    @discardableResult
    static func press(_ s: inout ConsoleState, _ keys: [Key]) -> [Effect] {
        keys.flatMap { ConsoleReducer.reduce(&s, .key($0)) }
    }

    static func type(_ text: String) -> [Key] { text.map { .char($0) } }

    /// Answers every effect in flight as done, as the runtime would once the core returns.
    static func answer(_ s: inout ConsoleState) {
        for effect in s.inFlight { _ = ConsoleReducer.reduce(&s, .result(effect, .message("done"))) }
    }
}

extension ConsoleState {
    var screen: Screen { ConsoleRenderer.render(self) }
}

/// The console's writes as the effects the reducer returns (`Effect.command`), by their old names.
extension Effect {
    static func grant(script: String, user: String, term: AccessTerm) -> Effect { .command(.grant(script: script, users: [user], term: term)) }
    static func extend(script: String, users: [String], term: AccessTerm) -> Effect { .command(.extend(script: script, users: users, term: term)) }
    static func revoke(script: String, users: [String]) -> Effect { .command(.revoke(script: script, users: users)) }
    static func resyncApply(script: String) -> Effect { .command(.resync(script: script, apply: true)) }
    static func retryNow(script: String, id: String) -> Effect { .command(.retryNow(script: script, id: id)) }
    static func dropRetry(script: String, id: String) -> Effect { .command(.dropRetry(script: script, id: id)) }
    static var retryAll: Effect { .command(.retryAll(script: nil)) }
    static func resolveReview(script: String, id: String, newName: String) -> Effect {
        .command(.resolveReview(script: script, id: id, newName: newName))
    }
    static func dismissReview(script: String, id: String, reason: String) -> Effect { .command(.dismissReview(script: script, id: id, reason: reason)) }
    static func resendReviewEmail(script: String, id: String) -> Effect { .command(.resendReviewEmail(script: script, id: id)) }
}
