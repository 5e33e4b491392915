import AccessCore
import Foundation

/// The short status-line sentences of RuntimeServices, and the diff it shows, built from what
/// AccessCore's Actions return. Pure, so the wording is tested without a sandbox.
enum RuntimeSummaries {
    /// The verb the admin chose (a grant of an active user is an extend on TradingView, but reads as a grant).
    enum Verb: String, Sendable {
        case grant, extend, revoke
        var past: String {
            switch self {
            case .grant: "granted"
            case .extend: "extended"
            case .revoke: "revoked"
            }
        }
    }

    /// One action over one or more users, e.g. "granted 1M to TraderJoe on Alpha Trend Suite (expires 2026-12-23)".
    /// The status line for a command's outcome. A command without its own sentence here gets Core's.
    static func describe(_ command: AccessCommand, _ o: Outcome, title: (String) -> String) -> String {
        switch command {
        case .grant(let s, _, let t): return action(.grant, term: t, reports: o.reports, script: title(s))
        case .extend(let s, _, let t): return action(.extend, term: t, reports: o.reports, script: title(s))
        case .revoke(let s, _): return action(.revoke, term: nil, reports: o.reports, script: title(s))
        case .resync(let s, true): return o.diff.map { resyncApplied($0, script: title(s), dryRun: o.dryRun) } ?? o.message
        case .retryNow(_, let id): return o.summary.map { retry($0, what: "retry \(id)") } ?? o.message
        case .retryAll: return o.summary.map { retry($0, what: "retry all") } ?? o.message
        case .dropRetry(let s, let id): return (o.dryRun ? "dry run: would drop" : "dropped") + " retry \(id) on \(title(s))"
        case .resolveReview(let s, let id, _):
            guard let r = o.reports.first else { return o.message }
            return single(.grant, term: nil, r, script: title(s)) + (o.dryRun ? " (review \(id) would be resolved)" : " (review \(id) resolved)")
        case .dismissReview(_, let id, _): return o.dryRun ? "dry run: review \(id) would be dismissed; nothing changed" : "review \(id) dismissed"
        case .resendReviewEmail(_, let id): return "email for review \(id) sent again"
        case .sync: return o.summary.map(sync) ?? o.message
        default: return o.message
        }
    }

    static func action(_ verb: Verb, term: AccessTerm?, reports: [ActionReport], script: String) -> String {
        guard reports.count != 1 else { return single(verb, term: term, reports[0], script: script) }
        let who = "\(reports.count) users"
        let dryRun = reports.contains { $0.result == .dryRun }
        var text = (dryRun ? "dry run: would \(verb.rawValue) " : verb.past + " ") + phrase(verb, term: term, who: who, script: script)
        let unchanged = reports.filter { $0.result == .unchanged }.count
        let queued = reports.filter { $0.result == .queued }.count
        let notes = [unchanged > 0 ? "\(unchanged) unchanged" : nil, queued > 0 ? "\(queued) queued for retry" : nil].compactMap { $0 }
        if !notes.isEmpty { text += " (" + notes.joined(separator: ", ") + ")" }
        if dryRun { text += ": nothing sent" }
        return text
    }

    static func single(_ verb: Verb, term: AccessTerm?, _ r: ActionReport, script: String) -> String {
        let body = phrase(verb, term: term, who: r.username, script: script) + expiryNote(verb, r)
        switch r.result {
        case .applied: return verb.past + " " + body
        case .dryRun: return "dry run: would \(verb.rawValue) \(body): nothing sent"
        case .unchanged: return "\(r.username) already has access to \(script) until \(until(r)): nothing sent"
        case .queued: return "\(verb.rawValue) of \(r.username) on \(script) queued for retry: \(r.detail)"
        }
    }

    /// "1M to NAME on SCRIPT" (grant), "NAME by 1M on SCRIPT" (extend), "NAME on SCRIPT" (revoke).
    private static func phrase(_ verb: Verb, term: AccessTerm?, who: String, script: String) -> String {
        switch (verb, term) {
        case (.grant, let t?): return "\(t.description) to \(who) on \(script)"
        case (.extend, let t?): return "\(who) by \(t.description) on \(script)"
        default: return "\(who) on \(script)"
        }
    }

    private static func expiryNote(_ verb: Verb, _ r: ActionReport) -> String {
        guard verb != .revoke else { return "" }
        return r.lifetime ? " (lifetime)" : r.expiry.map { " (expires \(Formats.day($0)))" } ?? ""
    }

    private static func until(_ r: ActionReport) -> String {
        r.lifetime ? "lifetime" : r.expiry.map(Formats.day) ?? "no access"
    }

    static func sync(_ s: SyncSummary) -> String {
        let head = s.dryRun ? "dry-run sync done" : "sync done"
        var text = "\(head): \(s.processed) processed, \(s.granted) granted, \(s.extended) extended, \(s.revoked) revoked, "
            + "\(s.review) to review, \(s.retry) to retry"
        if s.skipped > 0 { text += ", \(s.skipped) skipped" }
        if s.incomplete > 0 { text += "; \(s.incomplete) part(s) not done (see the log): the next run tries again" }
        if let v = s.verificationText { text += ", " + v }
        if s.stale { text += "; session stale: set fresh cookies" }
        return text
    }

    static func retry(_ s: SyncSummary, what: String) -> String {
        "\(what): \(s.granted + s.extended + s.revoked) applied, \(s.retry) still queued, \(s.review) to review"
            + (s.dryRun ? " (dry run: nothing sent)" : "")
    }

    /// What applying `diff` did (Actions return the diff as found before applying).
    static func resyncApplied(_ diff: AccessCore.ResyncDiff, script: String, dryRun: Bool) -> String {
        if diff.isEmpty { return "resync of \(script): already in step with TradingView, nothing to do" }
        let later = diff.expiryMismatch.filter(\.remoteIsLater).count
        let parts = [
            "\(diff.missingRemote.count) granted on TradingView",
            "\(diff.unknownLocal.count + later) adopted",
            "\(diff.expiryMismatch.count - later) expiries set",
        ]
        return (dryRun ? "dry run: resync of \(script) would apply: " : "resync of \(script) applied: ") + parts.joined(separator: ", ")
    }

    /// AccessCore's diff as the console's rows: missing first, then unknown, then mismatches.
    static func diff(_ d: AccessCore.ResyncDiff) -> ResyncDiff {
        let rows = d.missingRemote.map { ResyncDiff.Row(kind: .missingRemote, username: $0.username, localExpiry: $0.expiry, remoteExpiry: nil) }
            + d.unknownLocal.map { ResyncDiff.Row(kind: .unknownLocal, username: $0.username, localExpiry: nil, remoteExpiry: $0.expiry) }
            + d.expiryMismatch.map { ResyncDiff.Row(kind: .expiryMismatch, username: $0.username, localExpiry: $0.local, remoteExpiry: $0.remote) }
        return ResyncDiff(script: d.scriptId, rows: rows)
    }

    static func session(_ s: SessionStatus) -> SessionStatusInfo {
        let status: SessionStatusInfo.Status = switch s.state {
        case .valid: .valid
        // Missing cookies stop writes just like stale ones; lastResult says which.
        case .stale, .missing: .stale
        case .unknown: .unknown
        }
        return SessionStatusInfo(status: status, lastCheck: s.lastCheck, lastResult: s.lastResult,
                                 cookiesSavedAt: s.cookiesSavedAt, account: s.account)
    }
}
