/// What an event is about. Every producer (engine, actions, session, daemon) names its events with
/// these cases and every consumer (console, log filters, tests) switches on them: nobody compares
/// event names as strings. `name` is the dotted form written to `logs/sync.log`.
public enum EventKind: Hashable, Sendable {
    // A run of the engine: a sync or a retry pass (the payload's `RunKind` tells which).
    case runStart, runProgress, runDone, runFailed
    // One remote write of a run.
    case writeApplied(RemoteOperation), writeDryRun, writeUnchanged, writeFailed
    case retryAdded, reviewAdded, reviewDismissed, mailSent, mailFailed
    case intentSettled, bootstrapDone
    // A first run on a live business; purchases found late; a WordPress read that cannot show it is whole.
    case adoptDone, transactionLate, transactionWatchExpired, wordpressIncomplete
    case listFailed, storeFailed, wordpressFailed, transactionRejected, transactionUnmapped
    case transactionDuplicate, transactionFuture, mailSkipped, storeRepaired
    case sessionValid, sessionStale, cookiesSaved, cookiesRejected
    // Read-back after a run's writes (`Sync/SyncEngine+ReadBack.swift`).
    case readbackVerified, readbackRepaired, readbackMissing, readbackFailed
    /// A write not on the list at read-back, queued once more through the retry queue.
    case readbackQueued
    // The daemon's scheduled audit (`Sync/Audit.swift`): one `audit.drift` per user TradingView differs on.
    case auditDrift, auditDone, auditFailed
    /// TradingView knows the account under a new name (same user id): master data followed it.
    case userRenamed
    /// A manual action (console key or CLI command) finished, or failed.
    case actionDone(ActionName), actionFailed(ActionName)
    case daemonStart, daemonListening, daemonDraining, daemonStopped, daemonRun, syncStopping
    // The daemon's MemberPress webhooks and alerts.
    case webhookReceived, webhookConfirmed, webhookIgnored, webhookUnconfirmed, webhookLookupFailed
    case webhookMalformed, webhookRefused, webhookRejected, webhookTooLarge, webhookInboxFailed, applyFailed
    case alertFired, alertReminder, alertRecovered, alertMailFailed, alertWebhookFailed
    // Customers' fix links (the daemon's `/fix/` pages) and the mails carrying them.
    case fixLinkRefused, fixLinkLimited, fixLinkNameRejected, fixLinkFailed
    /// Raised by the console itself (an action that could not start).
    case consoleError
    /// A name this build does not know: a line written by a newer version, kept as it was.
    case unknown(String)

    /// The fixed names, both ways. Parameterised kinds are spelled out in `name` and `init(name:)`.
    private static let fixed: [EventKind: String] = [
        .runStart: "sync.start", .runProgress: "sync.progress", .runDone: "sync.done", .runFailed: "sync.failed",
        .writeDryRun: "write.dryrun", .writeUnchanged: "write.unchanged", .writeFailed: "write.failed",
        .retryAdded: "retry.added", .reviewAdded: "review.added", .reviewDismissed: "review.dismissed",
        .mailSent: "mail.sent", .mailFailed: "email.failed", .intentSettled: "intent.settled",
        .bootstrapDone: "bootstrap.done", .adoptDone: "adopt.done", .transactionLate: "transaction.late",
        .transactionWatchExpired: "transaction.watch_expired", .wordpressIncomplete: "wordpress.incomplete",
        .listFailed: "list.failed", .storeFailed: "store.failed",
        .wordpressFailed: "wordpress.failed", .transactionRejected: "transaction.rejected",
        .transactionUnmapped: "transaction.unmapped", .transactionDuplicate: "transaction.duplicate",
        .transactionFuture: "transaction.future", .mailSkipped: "email.skipped", .storeRepaired: "store.repaired", .sessionValid: "session.ok", .sessionStale: "session.stale",
        .cookiesSaved: "cookies.saved", .cookiesRejected: "cookies.rejected", .daemonStart: "daemon.start",
        .daemonListening: "daemon.listening", .daemonDraining: "daemon.draining", .daemonStopped: "daemon.stopped",
        .daemonRun: "daemon.run", .syncStopping: "sync.stopping",
        .webhookReceived: "webhook.received", .webhookConfirmed: "webhook.confirmed", .webhookIgnored: "webhook.ignored",
        .webhookUnconfirmed: "webhook.unconfirmed", .webhookLookupFailed: "webhook.lookup_failed",
        .webhookMalformed: "webhook.malformed", .webhookRefused: "webhook.refused", .webhookRejected: "webhook.rejected",
        .webhookTooLarge: "webhook.too_large", .webhookInboxFailed: "webhook.inbox_failed", .applyFailed: "apply.failed",
        .alertFired: "alert.fired", .alertReminder: "alert.reminder", .alertRecovered: "alert.recovered",
        .alertMailFailed: "alert.mail_failed", .alertWebhookFailed: "alert.webhook_failed",
        .fixLinkRefused: "fixlink.refused", .fixLinkLimited: "fixlink.limited", .fixLinkNameRejected: "fixlink.name_rejected",
        .fixLinkFailed: "fixlink.failed",
        .consoleError: "console.error",
        .readbackVerified: "readback.verified", .readbackRepaired: "readback.repaired",
        .readbackMissing: "readback.missing", .readbackFailed: "readback.failed", .userRenamed: "user.renamed",
        .readbackQueued: "readback.queued", .auditDrift: "audit.drift", .auditDone: "audit.done", .auditFailed: "audit.failed",
    ]
    private static let byName: [String: EventKind] = Dictionary(uniqueKeysWithValues: fixed.map { ($1, $0) })

    /// Every kind this build writes, for tests and documentation.
    public static var allKnown: [EventKind] {
        Array(fixed.keys) + ActionName.allCases.flatMap { [.done($0), .actionFailed($0)] }
    }

    /// The event of a manual action that succeeded. A grant, extend or revoke is a write applied,
    /// whoever asked for it (the `actor` field tells a sync from a person).
    public static func done(_ action: ActionName) -> EventKind {
        action.operation.map { .writeApplied($0) } ?? .actionDone(action)
    }

    public var name: String {
        switch self {
        case .writeApplied(let op): return "\(op.rawValue).ok"
        case .actionDone(let a): return "\(a.rawValue).ok"
        case .actionFailed(let a): return "\(a.rawValue).failed"
        case .unknown(let n): return n
        default: return Self.fixed[self]!
        }
    }

    public init(name: String) {
        if let k = Self.byName[name] { self = k; return }
        if name.hasSuffix(".ok"), let a = ActionName(rawValue: String(name.dropLast(3))) { self = .done(a); return }
        if name.hasSuffix(".failed"), let a = ActionName(rawValue: String(name.dropLast(7))) { self = .actionFailed(a); return }
        self = .unknown(name)
    }

    /// Events that end a run of the engine.
    public var endsRun: Bool { self == .runDone || self == .runFailed }

    /// Events that tell of a change to master data (users, queues): a reader showing it is out of date.
    public var changesMasterData: Bool {
        switch self {
        case .writeApplied, .retryAdded, .reviewAdded, .reviewDismissed, .intentSettled, .bootstrapDone, .adoptDone, .storeRepaired,
             .readbackRepaired, .userRenamed, .readbackQueued, .auditDone:
            return true
        case .actionDone(let a):
            return a != .validate && a != .reviewEmail
        default:
            return false
        }
    }
}

/// The manual actions of AccessActions, as named in their events and the audit trail.
public enum ActionName: String, CaseIterable, Sendable, Hashable {
    case validate, grant, extend, revoke, resync, retry, rebuild
    case retryDrop = "retry-drop"
    case reviewResolve = "review-resolve"
    case reviewDismiss = "review-dismiss"
    case reviewEmail = "review-email"

    /// The remote write this action is, if it is one.
    public var operation: RemoteOperation? { RemoteOperation(rawValue: rawValue) }
}
