import Foundation

/// Everything a person, a schedule or a customer can ask of the core, as one value. Every front end
/// builds one and hands it to `AccessActions.perform`, which decides the mode, takes the locks, emits the
/// events and returns one `Outcome`.
public enum AccessCommand: Sendable, Hashable {
    case grant(script: String, users: [String], term: AccessTerm)
    case extend(script: String, users: [String], term: AccessTerm)
    case revoke(script: String, users: [String])
    /// Grant what a review item's purchase entitles under `newName` (nil = as the customer typed it).
    case resolveReview(script: String, id: String, newName: String?)
    case dismissReview(script: String, id: String, reason: String)
    case resendReviewEmail(script: String, id: String)
    case retryNow(script: String, id: String)
    /// nil: every script.
    case retryAll(script: String?)
    case dropRetry(script: String, id: String)
    /// Without `apply` it only reads.
    case resync(script: String, apply: Bool)
    case sync
    /// Confirmed purchases (the daemon's webhooks): the sync path without the WordPress fetch.
    case apply(transactions: [Transaction])
    /// Lost master data started again from TradingView's list and WordPress.
    case rebuild(script: String)
    /// A JSON dump of past transactions applied in batches, the access sheet kept in step (resumable).
    case batchGrant(BatchGrantRequest)
    /// Pasted cookies: tested against TradingView, saved to the vault only if accepted. Changes no access,
    /// so a dry run saves them too (a dry run needs a live session to read the lists); read-only refuses.
    case setCookies(SessionCookies)
    /// Asks TradingView whether the saved session still works (reads only).
    case testSession
    /// Every script's whole list against master data: drift reported, renames followed and repairs queued
    /// per `repair` (none of that in a dry run; the queued repairs go out with the next sync).
    case audit(repair: AuditConfig.Repair)

    /// Whether the command can change access, master data or a customer's inbox (refused when read-only).
    public var writes: Bool {
        switch self {
        case .resync(_, let apply): return apply
        case .testSession: return false
        default: return true
        }
    }

    /// The action's name in events and the audit trail; nil for runs (their events are the engine's `sync.*`).
    public var action: ActionName? {
        switch self {
        case .grant: return .grant
        case .extend: return .extend
        case .revoke: return .revoke
        case .resolveReview: return .reviewResolve
        case .dismissReview: return .reviewDismiss
        case .resendReviewEmail: return .reviewEmail
        case .retryNow, .retryAll: return .retry
        case .dropRetry: return .retryDrop
        case .resync: return .resync
        case .sync, .apply: return nil
        case .rebuild: return .rebuild
        case .batchGrant, .setCookies, .testSession, .audit: return nil
        }
    }
}

extension AccessCommand: CustomStringConvertible {
    /// Names the command for a status line or a log ("grant bob 1M on PUB;abc"); carries no secrets.
    public var description: String {
        func who(_ users: [String]) -> String { users.count == 1 ? users[0] : "\(users.count) users" }
        switch self {
        case .grant(let s, let u, let t): return "grant \(who(u)) \(t.description) on \(s)"
        case .extend(let s, let u, let t): return "extend \(who(u)) \(t.description) on \(s)"
        case .revoke(let s, let u): return "revoke \(who(u)) on \(s)"
        case .resolveReview(_, let id, let n): return "fix review \(id)" + (n.map { " as \($0)" } ?? "")
        case .dismissReview(_, let id, _): return "dismiss review \(id)"
        case .resendReviewEmail(_, let id): return "resend email for \(id)"
        case .retryNow(_, let id): return "retry \(id)"
        case .retryAll: return "retry all"
        case .dropRetry(_, let id): return "drop retry \(id)"
        case .resync(let s, let apply): return apply ? "resync of \(s)" : "resync preview of \(s)"
        case .sync: return "sync"
        case .apply(let t): return "apply \(t.count) purchase(s)"
        case .rebuild(let s): return "rebuild of \(s)"
        case .batchGrant(let r): return "batch-grant of \(r.transactions.count) transaction(s)"
        case .setCookies: return "cookie update"
        case .testSession: return "session test"
        case .audit(let repair): return "audit (repair \(repair.rawValue))"
        }
    }
}

/// Who performs a command for a front end that does not own the run (the fix pages): the daemon's
/// `RunCoordinator`, or the actions at once.
public typealias CommandRunner = @Sendable (AccessCommand, AccessActions) async -> Outcome
