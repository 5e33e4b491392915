import AccessCore
import Foundation

/// An in-memory ConsoleServices with made-up data, for previews, tests and benchmarks only.
/// Nothing leaves the process. Names with "bad" or spaces fail validation; "tv_" + name is the
/// canonical spelling of a lowercase name that starts with "tv".
public actor PreviewServices: ConsoleServices {
    public static let validSessionId = "preview-sessionid"
    private var scripts: [String: ScriptAccess]
    private var session: SessionStatusInfo
    private var dryRun = false
    private let hub = EventHub()
    private let now: Date

    public init(userCount: Int = 500, now: Date = Date()) {
        self.now = now
        var a = ScriptAccess(scriptId: "PUB;alpha1", title: "Alpha Trend Pro")
        for u in PreviewServices.sampleUsers(count: userCount, now: now) { a.apply(.upsertUser(u)) }
        a.apply(.putReview(ReviewItem(id: "tx-1001", reason: .invalidUsername, typedName: "@Jonh Smith", email: "john@example.com",
                                      transactionId: "tx-1001", productId: "7", term: .months(1),
                                      detail: "no TradingView user named \"Jonh Smith\"", createdAt: now.addingTimeInterval(-7200))))
        a.apply(.putReview(ReviewItem(id: "tx-1002", reason: .refund, typedName: "trader_kim", email: "kim@example.com",
                                      transactionId: "tx-1002", productId: "7", term: nil, detail: "refunded 9.00",
                                      createdAt: now.addingTimeInterval(-86_400))))
        a.apply(.putRetry(RetryItem(id: "tx-0990", operation: .grant, username: "slow_sam", email: "sam@example.com",
                                    term: .months(1), transactionId: "tx-0990", attempts: 2,
                                    nextAttemptAt: now.addingTimeInterval(300), lastError: "TradingView answered 503 (try again later)",
                                    createdAt: now.addingTimeInterval(-600))))
        var b = ScriptAccess(scriptId: "PUB;beta2", title: "Beta Oscillator")
        for u in PreviewServices.sampleUsers(count: 12, now: now, prefix: "beta") { b.apply(.upsertUser(u)) }
        scripts = [a.scriptId: a, b.scriptId: b]
        session = SessionStatusInfo(status: .valid, lastCheck: now.addingTimeInterval(-300), lastResult: "200 OK",
                                    cookiesSavedAt: now.addingTimeInterval(-3 * 86_400), account: "vendor_account")
    }

    /// Deterministic users: a mix of expired, expiring, active and lifetime.
    public static func sampleUsers(count: Int, now: Date, prefix: String = "user") -> [UserAccess] {
        (0..<count).map { i in
            let expiry: Date? = switch i % 10 {
            case 0: nil
            case 1: now.addingTimeInterval(-Double(i % 30 + 1) * 86_400)
            case 2, 3: now.addingTimeInterval(Double(i % 6 + 1) * 86_400)
            default: now.addingTimeInterval(Double(i % 365 + 8) * 86_400)
            }
            let name = "\(prefix)\(i)"
            return UserAccess(username: name, email: "\(name)@example.com", expiry: expiry,
                              grantedAt: now.addingTimeInterval(-40 * 86_400),
                              history: [HistoryEntry(at: now.addingTimeInterval(-Double(i % 50) * 3600), actor: "sync", action: "grant")])
        }
    }

    private func emit(_ level: EventLevel, _ name: String, script: String? = nil, user: String? = nil, _ message: String) {
        hub.emit(level, name, script: script, user: user, message)
    }

    private func script(_ id: String) throws -> ScriptAccess {
        guard let s = scripts[id] else { throw PreviewError("no script \(id) in master data") }
        return s
    }

    public func loadOverview() async throws -> ConsoleSnapshot {
        ConsoleSnapshot(configPath: "preview (in memory)", scripts: scripts.values.sorted { $0.scriptId < $1.scriptId },
                        session: session, dryRun: dryRun)
    }

    public func validate(_ name: String) async throws -> String? {
        if name.lowercased().contains("bad") || name.contains(" ") { return nil }
        return name.lowercased() == name && name.hasPrefix("tv") ? "TV_" + name.dropFirst(2) : name
    }

    private func change(_ id: String, _ c: AccessChange) { scripts[id]?.apply(c) }

    public func grant(script id: String, user: String, term: AccessTerm) async throws -> String {
        _ = try script(id)
        guard let name = try await validate(user) else { throw PreviewError("no TradingView user named \(user)") }
        let expiry = term.expiry(from: Date())
        if !dryRun {
            change(id, .upsertUser(UserAccess(username: name, expiry: expiry, grantedAt: Date(),
                                              history: [HistoryEntry(at: Date(), actor: "console", action: "grant", expiry: expiry)])))
        }
        emit(.notice, "grant.ok", script: id, user: name, "granted \(term.description)\(dryRun ? " (dry run)" : "")")
        return "granted \(name) \(term.description)\(dryRun ? " (dry run: nothing sent)" : "")"
    }

    public func extend(script id: String, users: [String], term: AccessTerm) async throws -> String {
        let s = try script(id)
        for name in users {
            guard var u = s.user(name) else { throw PreviewError("\(name) has no access to \(id); grant instead") }
            if let e = u.expiry { u.expiry = term.expiry(from: max(e, Date())) }
            u.history.append(HistoryEntry(at: Date(), actor: "console", action: "extend", expiry: u.expiry))
            if !dryRun { change(id, .upsertUser(u)) }
            emit(.notice, "extend.ok", script: id, user: name, "extended \(term.description)")
        }
        return "extended \(users.count == 1 ? users[0] : "\(users.count) users") by \(term.description)"
    }

    public func revoke(script id: String, users: [String]) async throws -> String {
        _ = try script(id)
        for name in users {
            if !dryRun { change(id, .removeUser(username: name)) }
            emit(.warning, "revoke.ok", script: id, user: name, "revoked")
        }
        return "revoked \(users.count == 1 ? users[0] : "\(users.count) users")"
    }

    public func resyncPreview(script id: String) async throws -> ResyncDiff {
        let s = try script(id)
        let some = s.users.values.sorted { $0.username < $1.username }.prefix(2)
        var rows = some.map { ResyncDiff.Row(kind: .missingRemote, username: $0.username, localExpiry: $0.expiry, remoteExpiry: nil) }
        rows.append(ResyncDiff.Row(kind: .unknownLocal, username: "stranger_danger", localExpiry: nil, remoteExpiry: nil))
        return ResyncDiff(script: id, rows: rows)
    }

    public func resyncApply(script id: String) async throws -> String {
        emit(.notice, "resync.ok", script: id, "resync applied: 3 changes")
        return "resync applied: 3 changes"
    }

    public func syncNow(dryRun: Bool) async throws -> String {
        let total = 20
        emit(.info, "sync.start", "sync started")
        for i in 1...total {
            try await Task.sleep(nanoseconds: 50_000_000)
            hub.emit(AccessEvent(level: .info, event: "sync.progress", message: "transaction \(i) of \(total)",
                                 fields: ["done": "\(i)", "total": "\(total)", "granted": "\(i / 2)", "extended": "\(i / 4)",
                                          "review": "0", "retry": "0", "rate_per_min": "24"]))
        }
        emit(.info, "sync.end", "sync finished")
        return "sync finished: \(total) transactions\(dryRun ? " (dry run)" : "")"
    }

    public func setDryRun(_ on: Bool) async throws { dryRun = on }

    public func retryNow(script id: String, id item: String) async throws -> String {
        guard let r = try script(id).retryQueue[item] else { throw PreviewError("retry \(item) is no longer queued") }
        change(id, .dropRetry(id: item))
        return "\(r.operation.rawValue) of \(r.username) done"
    }

    public func dropRetry(script id: String, id item: String) async throws -> String {
        change(id, .dropRetry(id: item))
        return "dropped retry \(item)"
    }

    public func retryAll(script id: String) async throws -> String {
        let n = try script(id).retryQueue.count
        for k in try script(id).retryQueue.keys { change(id, .dropRetry(id: k)) }
        return "retried \(n) item\(n == 1 ? "" : "s")"
    }

    public func resolveReview(script id: String, id item: String, newName: String) async throws -> String {
        guard let r = try script(id).reviewQueue[item] else { throw PreviewError("review \(item) is no longer queued") }
        let summary = try await grant(script: id, user: newName, term: r.term ?? .months(1))
        change(id, .dropReview(id: item))
        return summary + " (review \(item) resolved)"
    }

    public func dismissReview(script id: String, id item: String, reason: String) async throws -> String {
        change(id, .dropReview(id: item))
        emit(.info, "review.dismissed", script: id, "review \(item) dismissed: \(reason)")
        return "review \(item) dismissed"
    }

    public func resendReviewEmail(script id: String, id item: String) async throws {
        guard try script(id).reviewQueue[item] != nil else { throw PreviewError("review \(item) is no longer queued") }
        emit(.info, "mail.sent", script: id, "review email for \(item) sent again")
    }

    public func testSession() async throws -> SessionStatusInfo {
        session.lastCheck = Date()
        return session
    }

    public func setCookies(sessionid: String, sessionidSign: String) async throws -> SessionStatusInfo {
        guard sessionid == Self.validSessionId else {
            return SessionStatusInfo(status: .stale, lastCheck: Date(), lastResult: "TradingView answered 401",
                                     cookiesSavedAt: session.cookiesSavedAt, account: session.account)
        }
        session = SessionStatusInfo(status: .valid, lastCheck: Date(), lastResult: "200 OK", cookiesSavedAt: Date(), account: "vendor_account")
        return session
    }

    public nonisolated func events() -> AsyncStream<AccessEvent> { hub.subscribe() }
}

public struct PreviewError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
