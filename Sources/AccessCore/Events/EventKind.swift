/// What an event is about. Every producer (engine, actions, session, daemon) names its events with
/// these cases and every consumer (console, log filters, tests) switches on them: nobody compares
/// event names as strings. `name` is the dotted form written to `logs/sync.log`.
public enum EventKind: Hashable, Sendable, CaseIterable {
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
    /// A manual action in a dry run (nothing sent or kept), or done with work left in the retry queue.
    case actionWould(ActionName), actionQueued(ActionName)
    /// A dry run's review or retry item: planned, not added.
    case reviewWouldAdd, retryWouldAdd
    case daemonStart, daemonListening, daemonDraining, daemonStopped, daemonRun, syncStopping
    // The daemon's MemberPress webhooks and alerts.
    case webhookReceived, webhookConfirmed, webhookIgnored, webhookUnconfirmed, webhookLookupFailed
    case webhookMalformed, webhookRefused, webhookRejected, webhookTooLarge, webhookInboxFailed, applyFailed
    case alertFired, alertReminder, alertRecovered, alertMailFailed, alertWebhookFailed
    // Customers' fix links (the daemon's `/fix/` pages) and the mails carrying them.
    case fixLinkRefused, fixLinkLimited, fixLinkNameRejected, fixLinkFailed
    /// Raised by the console itself (an action that could not start).
    case consoleError
    /// A log line of a library (Hummingbird, NIO, service lifecycle): `EventStreamLogHandler`.
    case libraryLog
    /// A name this build does not know: a line written by a newer version, kept as it was.
    case unknown(String)

    /// The dotted name in the log. An exhaustive switch: a new case does not compile until it is named
    /// (a dictionary here once let a new kind compile and trap at its first emit).
    public var name: String {
        switch self {
        case .runStart: return "sync.start"
        case .runProgress: return "sync.progress"
        case .runDone: return "sync.done"
        case .runFailed: return "sync.failed"
        case .writeApplied(let op): return "\(op.rawValue).ok"
        case .writeDryRun: return "write.dryrun"
        case .writeUnchanged: return "write.unchanged"
        case .writeFailed: return "write.failed"
        case .retryAdded: return "retry.added"
        case .reviewAdded: return "review.added"
        case .retryWouldAdd: return "retry.would_add"
        case .reviewWouldAdd: return "review.would_add"
        case .reviewDismissed: return "review.dismissed"
        case .mailSent: return "mail.sent"
        case .mailFailed: return "email.failed"
        case .intentSettled: return "intent.settled"
        case .bootstrapDone: return "bootstrap.done"
        case .adoptDone: return "adopt.done"
        case .transactionLate: return "transaction.late"
        case .transactionWatchExpired: return "transaction.watch_expired"
        case .wordpressIncomplete: return "wordpress.incomplete"
        case .listFailed: return "list.failed"
        case .storeFailed: return "store.failed"
        case .wordpressFailed: return "wordpress.failed"
        case .transactionRejected: return "transaction.rejected"
        case .transactionUnmapped: return "transaction.unmapped"
        case .transactionDuplicate: return "transaction.duplicate"
        case .transactionFuture: return "transaction.future"
        case .mailSkipped: return "email.skipped"
        case .storeRepaired: return "store.repaired"
        case .sessionValid: return "session.ok"
        case .sessionStale: return "session.stale"
        case .cookiesSaved: return "cookies.saved"
        case .cookiesRejected: return "cookies.rejected"
        case .readbackVerified: return "readback.verified"
        case .readbackRepaired: return "readback.repaired"
        case .readbackMissing: return "readback.missing"
        case .readbackFailed: return "readback.failed"
        case .userRenamed: return "user.renamed"
        case .readbackQueued: return "readback.queued"
        case .auditDrift: return "audit.drift"
        case .auditDone: return "audit.done"
        case .auditFailed: return "audit.failed"
        case .actionDone(let a): return "\(a.rawValue).ok"
        case .actionFailed(let a): return "\(a.rawValue).failed"
        case .actionWould(let a): return "\(a.rawValue).would"
        case .actionQueued(let a): return "\(a.rawValue).queued"
        case .daemonStart: return "daemon.start"
        case .daemonListening: return "daemon.listening"
        case .daemonDraining: return "daemon.draining"
        case .daemonStopped: return "daemon.stopped"
        case .daemonRun: return "daemon.run"
        case .syncStopping: return "sync.stopping"
        case .webhookReceived: return "webhook.received"
        case .webhookConfirmed: return "webhook.confirmed"
        case .webhookIgnored: return "webhook.ignored"
        case .webhookUnconfirmed: return "webhook.unconfirmed"
        case .webhookLookupFailed: return "webhook.lookup_failed"
        case .webhookMalformed: return "webhook.malformed"
        case .webhookRefused: return "webhook.refused"
        case .webhookRejected: return "webhook.rejected"
        case .webhookTooLarge: return "webhook.too_large"
        case .webhookInboxFailed: return "webhook.inbox_failed"
        case .applyFailed: return "apply.failed"
        case .alertFired: return "alert.fired"
        case .alertReminder: return "alert.reminder"
        case .alertRecovered: return "alert.recovered"
        case .alertMailFailed: return "alert.mail_failed"
        case .alertWebhookFailed: return "alert.webhook_failed"
        case .fixLinkRefused: return "fixlink.refused"
        case .fixLinkLimited: return "fixlink.limited"
        case .fixLinkNameRejected: return "fixlink.name_rejected"
        case .fixLinkFailed: return "fixlink.failed"
        case .consoleError: return "console.error"
        case .libraryLog: return "library.log"
        case .unknown(let n): return n
        }
    }

    /// Every kind this build writes (not `.unknown`), each once: a manual grant, extend or revoke is
    /// `writeApplied`, so `actionDone` appears only for actions that are no remote write (`done(_:)`).
    /// `EventKindTests` checks that names are unique and non-empty, read back, and that every case the
    /// enum declares is listed here.
    public static let allCases: [EventKind] = [
        .runStart, .runProgress, .runDone, .runFailed,
        .writeDryRun, .writeUnchanged, .writeFailed,
        .retryAdded, .reviewAdded, .retryWouldAdd, .reviewWouldAdd, .reviewDismissed, .mailSent, .mailFailed,
        .intentSettled, .bootstrapDone,
        .adoptDone, .transactionLate, .transactionWatchExpired, .wordpressIncomplete,
        .listFailed, .storeFailed, .wordpressFailed, .transactionRejected, .transactionUnmapped,
        .transactionDuplicate, .transactionFuture, .mailSkipped, .storeRepaired,
        .sessionValid, .sessionStale, .cookiesSaved, .cookiesRejected,
        .readbackVerified, .readbackRepaired, .readbackMissing, .readbackFailed,
        .userRenamed, .readbackQueued, .auditDrift, .auditDone, .auditFailed,
        .daemonStart, .daemonListening, .daemonDraining, .daemonStopped, .daemonRun, .syncStopping,
        .webhookReceived, .webhookConfirmed, .webhookIgnored, .webhookUnconfirmed, .webhookLookupFailed,
        .webhookMalformed, .webhookRefused, .webhookRejected, .webhookTooLarge, .webhookInboxFailed, .applyFailed,
        .alertFired, .alertReminder, .alertRecovered, .alertMailFailed, .alertWebhookFailed,
        .fixLinkRefused, .fixLinkLimited, .fixLinkNameRejected, .fixLinkFailed,
        .consoleError, .libraryLog,
    ] + RemoteOperation.allCases.map { .writeApplied($0) }
      + ActionName.allCases.filter { $0.operation == nil }.map { .actionDone($0) }
      + ActionName.allCases.map { .actionFailed($0) }
      + ActionName.allCases.map { .actionWould($0) } + ActionName.allCases.map { .actionQueued($0) }

    private static let byName: [String: EventKind] = Dictionary(allCases.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    /// Every kind this build writes, for tests and documentation.
    public static var allKnown: [EventKind] { allCases }

    /// The event of a manual action that succeeded. A grant, extend or revoke is a write applied,
    /// whoever asked for it (the `actor` field tells a sync from a person).
    public static func done(_ action: ActionName) -> EventKind {
        action.operation.map { .writeApplied($0) } ?? .actionDone(action)
    }

    /// Reads a name back; one this build does not know stays `.unknown(name)`.
    public init(name: String) {
        self = Self.byName[name] ?? .unknown(name)
    }

    /// Events that end a run of the engine.
    public var endsRun: Bool { self == .runDone || self == .runFailed }

    /// Events that tell of a change to master data (users, queues): a reader showing it is out of date.
    public var changesMasterData: Bool {
        switch self {
        case .writeApplied, .retryAdded, .reviewAdded, .reviewDismissed, .intentSettled, .bootstrapDone, .adoptDone, .storeRepaired,
             .readbackRepaired, .userRenamed, .readbackQueued, .auditDone:
            return true
        case .actionDone(let a), .actionQueued(let a):
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
