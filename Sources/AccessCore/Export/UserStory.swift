import Foundation

/// One customer's story on one script, for support questions ("why did I lose access?", "did you
/// send the mail?"): every write master data recorded (with who made it), the purchases that caused
/// them, mails and fix links from the event log, and what waits in the review and retry queues.
/// Built from what the files hold; nothing is asked of TradingView.
public struct UserStory: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case write, mail, review, retry, fixLink = "fix-link", event }
        public var at: Date
        public var kind: Kind
        /// grant, extend, revoke, resync-adopt, review.added, mail.sent, ...
        public var action: String
        /// Who: an OS user (console or CLI), "sync" (cron, daemon, webhook), "customer via fix link", ...
        public var actor: String
        public var result: String
        /// The expiry after a write: a day, "lifetime", or nil for none.
        public var expiry: String?
        /// The purchase behind it, when there is one.
        public var transactionId: String?
        public var detail: String?
    }

    public var script: String
    public var scriptTitle: String?
    public var username: String
    public var email: String?
    /// What master data holds, as last written to TradingView: a day, "lifetime" or "none".
    public var holds: String
    /// Every line, oldest first.
    public var lines: [Line]
    /// Review items of this customer still open (a fix link is out while one is).
    public var openReview: [ReviewItem]
    public var openRetry: [RetryItem]
    /// The fix link's state in words: none, sent and open, used by the customer.
    public var fixLink: String
    /// What TradingView holds now, as last seen (`seen(_:events:)`); nil when never seen.
    public var tradingView: Seen?
    /// What the purchases entitle; nil until MemberPress was read (`AppRuntime.userStories(readingPurchases:)`).
    public var entitled: Entitled?

    /// The story of `username` on `script` (nil when master data, the queues and the log know nothing
    /// of them). `events` are the log's lines; only the user's are kept (by name, or by a purchase id
    /// of theirs, as a review item is filed under the name the customer typed).
    public static func build(script: ScriptAccess, username: String, events: [AccessEvent]) -> UserStory? {
        let key = Username.key(username)
        let user = script.user(username)
        let email = user?.email
        let (review, retry) = queues(script: script, username: username)
        let purchases = purchases(script: script, username: username)

        var lines: [Line] = (user?.history ?? []).map { h in
            Line(at: h.at, kind: h.actor == ActorName.customerViaLink ? .fixLink : .write, action: h.action, actor: h.actor,
                 result: h.result, expiry: h.expiry.map(UserStory.day) ?? (h.action == "revoke" ? nil : "lifetime"),
                 transactionId: h.transactionId, detail: nil)
        }
        for e in events where e.script == nil || e.script == script.scriptId {
            let mine = e.user.map { Username.key($0) == key } ?? false
            let ofPurchase = [e.fields["review"], e.fields["transaction"], e.fields["id"]].contains { $0.map(purchases.contains) ?? false }
            guard mine || ofPurchase, let kind = storyKind(e.kind) else { continue }
            lines.append(Line(at: e.time, kind: kind, action: e.name, actor: e.fields["actor"] ?? (e.pid == 0 ? "" : "pid \(e.pid)"),
                              result: e.level >= .error ? "failed" : "ok", expiry: nil,
                              transactionId: e.fields["transaction"] ?? e.fields["review"], detail: e.message))
        }
        guard user != nil || !review.isEmpty || !retry.isEmpty || !lines.isEmpty else { return nil }
        // History keeps whole seconds (`AccessActions.now`), events milliseconds: within one second the
        // log's events (a purchase's review, its mail) go first, history keeps its own order.
        let historyCount = user?.history.count ?? 0
        lines = lines.enumerated().sorted { a, b in
            let sa = a.element.at.timeIntervalSince1970.rounded(.down), sb = b.element.at.timeIntervalSince1970.rounded(.down)
            if sa != sb { return sa < sb }
            let ha = a.offset < historyCount, hb = b.offset < historyCount
            if ha != hb { return hb }
            return ha ? a.offset < b.offset : (a.element.at, a.offset) < (b.element.at, b.offset)
        }.map(\.element)

        let fixLink: String
        if let used = lines.last(where: { $0.kind == .fixLink && $0.actor == ActorName.customerViaLink }) {
            fixLink = "used by the customer on \(ISODate.format(used.at))"
        } else if let open = review.first(where: { $0.emailSentAt != nil }) {
            fixLink = "sent \(ISODate.format(open.emailSentAt!)) for purchase \(open.transactionId), not used yet"
        } else if !review.isEmpty {
            fixLink = "none sent yet (review open)"
        } else {
            fixLink = "none"
        }
        let holds = user.map { $0.expiry.map(UserStory.day) ?? "lifetime" } ?? "none"
        return UserStory(script: script.scriptId, scriptTitle: script.title, username: user?.username ?? username, email: email,
                         holds: holds, lines: lines, openReview: review, openRetry: retry, fixLink: fixLink,
                         tradingView: seen(user, events: events), entitled: nil)
    }

    /// The user's open review and retry items (a review item is filed under the name the customer
    /// typed, so it is found by that name or by the email).
    static func queues(script: ScriptAccess, username: String) -> ([ReviewItem], [RetryItem]) {
        let key = Username.key(username), email = script.user(username)?.email
        let review = script.reviewQueue.values.filter { Username.key($0.typedName) == key || (email != nil && $0.email == email) }
            .sorted { $0.createdAt < $1.createdAt }
        let retry = script.retryQueue.values.filter { Username.key($0.username) == key }.sorted { $0.createdAt < $1.createdAt }
        return (review, retry)
    }

    /// Every purchase id known to concern the user: their history's and their open items'.
    public static func purchases(script: ScriptAccess, username: String) -> Set<String> {
        var ids = Set(script.user(username)?.history.compactMap(\.transactionId) ?? [])
        let (review, retry) = queues(script: script, username: username)
        for r in review { ids.insert(r.transactionId) }
        for r in retry { if let t = r.transactionId { ids.insert(t) } }
        return ids
    }

    /// 2025-07-15 (UTC), as expiries are shown everywhere.
    static func day(_ date: Date) -> String { TimeText.day(date) }

    /// Events that tell a customer's story beyond the writes master data records itself.
    static func storyKind(_ kind: EventKind) -> Line.Kind? {
        switch kind {
        case .mailSent, .mailFailed, .mailSkipped, .actionDone(.reviewEmail), .actionFailed(.reviewEmail): return .mail
        case .reviewAdded, .reviewDismissed, .actionDone(.reviewDismiss): return .review
        case .retryAdded, .actionDone(.retryDrop), .writeFailed: return .retry
        case .fixLinkRefused, .fixLinkLimited, .fixLinkNameRejected, .fixLinkFailed: return .fixLink
        case .actionFailed(let a) where a.operation != nil: return .event
        default: return nil
        }
    }

    /// The story as a table for a terminal: a head, then one line per event.
    public func text() -> String {
        var out = ["\(username) on \(scriptTitle ?? script)" + (email.map { " <\($0)>" } ?? ""),
                   "holds: \(holds) (master data, as last written to TradingView)"] + expiriesText + [
                   "fix link: \(fixLink)"]
        for r in openReview { out.append("review open: \(r.reason.rawValue) \"\(r.typedName)\" purchase \(r.transactionId)" + (r.emailSentAt.map { ", mailed \(ISODate.format($0))" } ?? ", not mailed")) }
        for r in openRetry { out.append("retry open: \(r.operation.rawValue), attempt \(r.attempts), next \(ISODate.format(r.nextAttemptAt)): \(r.lastError)") }
        out.append("")
        var rows = [["when", "what", "by", "result", "expiry", "purchase", "detail"]]
        for l in lines {
            rows.append([ISODate.format(l.at), l.action, l.actor.isEmpty ? "-" : l.actor, l.result, l.expiry ?? "-",
                         l.transactionId ?? "-", l.kind == .write || l.kind == .fixLink ? "" : (l.detail ?? "")])
        }
        let widths = (0..<6).map { c in rows.map { $0[c].count }.max() ?? 0 }
        for r in rows {
            let padded = (0..<6).map { r[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            out.append((padded + [r[6]]).joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        return out.joined(separator: "\n")
    }
}
