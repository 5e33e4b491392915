import Foundation

/// One remote write the engine will make for one user of one script: every purchase of that user in
/// this run folded into a single final state.
public struct PlannedWrite: Sendable, Hashable {
    public var scriptId: String
    /// `Username.key` of the user.
    public var key: String
    /// TradingView's spelling when master data knows it, else the normalized typed name.
    public var username: String
    /// True when the name is neither in master data nor validated this run.
    public var needsValidation: Bool
    public var operation: RemoteOperation
    public var before: AccessState
    public var after: AccessState
    /// The work it settles, in (createdAt, id) order.
    public var covers: [SyncWork]
    /// Work of a first run (`Adoption`) found in the purchase history: a name TradingView does not know goes
    /// to review without a mail (a live business's customers may have been told before, and a lost folder
    /// must not mail them again; the admin mails from the review item). A webhook's live purchase is mailed.
    public var unmailed: Set<String> = []

    /// A repair (read-back or audit, `SyncWork.isRepair`): TradingView is told what master data already holds,
    /// so `before == after` and it is sent all the same.
    public var isRepair: Bool { !covers.isEmpty && covers.allSatisfy(\.isRepair) }

    /// A known user whose access the purchases do not change (lifetime, or already later): no remote call.
    public var changesNothing: Bool { before == after && before != .none && operation != .revoke && !isRepair }
    public var email: String? { covers.last(where: { !($0.email ?? "").isEmpty })?.email }
    public var wpUsername: String? { covers.last(where: { $0.wpUsername != nil })?.wpUsername }
}

/// A transaction a person has to decide on, with the bookkeeping that goes with adding it.
public struct PlannedReview: Sendable, Hashable {
    public var item: ReviewItem
    /// Ids that become processed when the review item is added (so the work is not planned again).
    public var markProcessed: [String]
    /// The retry item it replaces, when it gave up after too many attempts.
    public var dropRetry: String?
    public var sendEmail: Bool
}

public struct ScriptPlan: Sendable, Hashable {
    public var scriptId: String
    public var writes: [PlannedWrite] = []
    public var reviews: [PlannedReview] = []
    /// Pending or failed payments: not processed, they may complete later.
    public var ignored: [String] = []
    /// Seen before (processed, queued for retry or review, or an open intent): skipped, exactly once.
    public var alreadyHandled: Int = 0
    /// Retry items whose next attempt is still in the future.
    public var deferredRetries: Int = 0
    /// The newest purchase this plan accounts for; the script's since marker moves here after the run.
    public var newestCreatedAt: Date?
    /// Paid purchases dated before the script's since marker and never handled (a payment completed late,
    /// a listing that shifted): planned like the others, each named in the log.
    public var late: [String] = []
    /// Work that grants nothing (a memberpress-term purchase whose end has passed): processed, never written.
    public var ended: [SyncWork] = []
    /// A first run (adoption): master data from TradingView's list and the purchases it already covers,
    /// committed in one durable line before any write; nil in a steady-state plan.
    public var adoption: AdoptionResult?

    public init(scriptId: String) { self.scriptId = scriptId }
}

public struct SyncPlan: Sendable, Hashable {
    /// Ordered by script id.
    public var scripts: [ScriptPlan]
    /// Transactions whose product no script is configured for.
    public var unmappedTransactions: [String]
    /// Transactions dated after the run's time: planned as usual, but their date never becomes a
    /// marker (the marker moves to the run's time instead), so one bad date cannot hide later purchases.
    public var futureDated: [String] = []
    /// Transaction ids WordPress sent more than once with different content (another user or product):
    /// only the first is planned, and the others are reported, not dropped silently.
    public var conflictingDuplicates: [String] = []

    public var writeCount: Int { scripts.reduce(0) { $0 + $1.writes.count } }
    public var reviewCount: Int { scripts.reduce(0) { $0 + $1.reviews.count } }
}
