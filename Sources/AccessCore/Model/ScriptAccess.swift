import Foundation

/// One entry of a user's audit trail: who did what, when, and how it ended.
public struct HistoryEntry: Codable, Sendable, Hashable {
    public var at: Date
    public var actor: String          // OS user, or "sync"
    public var action: String         // grant, extend, revoke, bootstrap, resync, ...
    public var expiry: Date?          // expiry after the action; nil = lifetime or removed
    public var transactionId: String?
    public var result: String         // ok, dry-run, failed: ...
    public init(at: Date, actor: String, action: String, expiry: Date? = nil, transactionId: String? = nil, result: String = "ok") {
        self.at = at; self.actor = actor; self.action = action; self.expiry = expiry
        self.transactionId = transactionId; self.result = result
    }
}

/// What master data knows of one user of one script.
public struct UserAccess: Codable, Sendable, Hashable {
    /// TradingView's spelling (grants are case-sensitive).
    public var username: String
    public var email: String?
    public var wpUsername: String?
    /// nil = lifetime.
    public var expiry: Date?
    public var grantedAt: Date?
    public var history: [HistoryEntry]
    /// TradingView's user id (list_users and username_hint give it): stays when the user renames.
    /// nil until a list or a validation has shown it (master data written before ids were kept).
    public var tvUserId: Int?

    public init(username: String, email: String? = nil, wpUsername: String? = nil, expiry: Date?, grantedAt: Date? = nil,
                history: [HistoryEntry] = [], tvUserId: Int? = nil) {
        self.username = username; self.email = email; self.wpUsername = wpUsername
        self.expiry = expiry; self.grantedAt = grantedAt; self.history = history; self.tvUserId = tvUserId
    }

    public var isLifetime: Bool { expiry == nil }
    public var lastAction: HistoryEntry? { history.last }
}

public enum ReviewReason: String, Codable, Sendable, Hashable {
    case invalidUsername = "invalid_username"
    case refund
    case conflict
    /// A first run found TradingView granting more than the purchases entitle: left alone, never cut.
    case excess
}

/// A transaction a person has to decide on: the engine will not retry it by itself.
public struct ReviewItem: Codable, Sendable, Hashable, Identifiable {
    public var id: String               // transaction id (one review item per transaction and script)
    public var reason: ReviewReason
    public var typedName: String        // as the customer typed it
    public var email: String
    public var transactionId: String
    public var productId: String
    public var term: AccessTerm?
    public var detail: String
    public var createdAt: Date
    public var emailSentAt: Date?
    /// For a `.purchase` term: the purchase's own end (nil with that term = it never ends).
    public var purchaseEnds: Date?

    public init(id: String, reason: ReviewReason, typedName: String, email: String, transactionId: String,
                productId: String, term: AccessTerm?, detail: String, createdAt: Date, emailSentAt: Date? = nil,
                purchaseEnds: Date? = nil) {
        self.purchaseEnds = purchaseEnds
        self.id = id; self.reason = reason; self.typedName = typedName; self.email = email
        self.transactionId = transactionId; self.productId = productId; self.term = term
        self.detail = detail; self.createdAt = createdAt; self.emailSentAt = emailSentAt
    }
}

public enum RemoteOperation: String, Codable, Sendable, Hashable, CaseIterable {
    case grant, extend, revoke
}

/// A remote write that failed for a transient reason and will be tried again.
public struct RetryItem: Codable, Sendable, Hashable, Identifiable {
    public var id: String               // transaction id, or "manual-<uuid>" for console/CLI actions
    public var operation: RemoteOperation
    public var username: String
    public var email: String?
    public var term: AccessTerm?
    public var transactionId: String?
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String
    public var createdAt: Date
    /// The run time at which the write was first planned. Every attempt computes the term from it, so
    /// the expiry a customer gets does not drift by the time spent retrying. nil in items queued
    /// before this field existed (they use the attempt's time).
    public var plannedAt: Date?
    /// For a `.purchase` term: the purchase's own end (nil with that term = it never ends).
    public var purchaseEnds: Date?
    /// Found in the purchase history by a first run: a name TradingView does not know is reviewed without
    /// the customer mail (nil: mailed as usual).
    public var quiet: Bool?

    public init(id: String, operation: RemoteOperation, username: String, email: String?, term: AccessTerm?,
                transactionId: String?, attempts: Int, nextAttemptAt: Date, lastError: String, createdAt: Date,
                plannedAt: Date? = nil, purchaseEnds: Date? = nil, quiet: Bool? = nil) {
        self.quiet = quiet
        self.id = id; self.operation = operation; self.username = username; self.email = email
        self.term = term; self.transactionId = transactionId; self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt; self.lastError = lastError; self.createdAt = createdAt
        self.plannedAt = plannedAt; self.purchaseEnds = purchaseEnds
    }

    /// The end a `.purchase`-term item carries.
    var purchaseEnd: PurchaseEnd? { PurchaseEnd.carried(term: term, purchaseEnds) }
}

/// A remote write recorded before it is sent; settled by asking TradingView after a crash.
public struct WriteIntent: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var operation: RemoteOperation
    public var username: String
    /// The expiry the write sets; nil = lifetime (ignored for revoke).
    public var targetExpiry: Date?
    /// The expiry before the write, so settlement can tell whether it landed.
    public var previousExpiry: Date?
    public var wasKnown: Bool
    public var transactionId: String?
    public var createdAt: Date
    public init(id: String, operation: RemoteOperation, username: String, targetExpiry: Date?, previousExpiry: Date?,
                wasKnown: Bool, transactionId: String?, createdAt: Date) {
        self.id = id; self.operation = operation; self.username = username; self.targetExpiry = targetExpiry
        self.previousExpiry = previousExpiry; self.wasKnown = wasKnown; self.transactionId = transactionId
        self.createdAt = createdAt
    }
}

/// All master data of one script: `masterData/{scriptId}.json`.
public struct ScriptAccess: Codable, Sendable, Hashable {
    public var scriptId: String
    public var title: String?
    /// Keyed by `Username.key` (lowercased).
    public var users: [String: UserAccess]
    /// Transaction ids already applied to this script (never applied twice).
    public var processedTransactions: Set<String>
    public var retryQueue: [String: RetryItem]
    public var reviewQueue: [String: ReviewItem]
    public var openIntents: [String: WriteIntent]
    public var lastProcessedAt: Date?
    public var bootstrapped: Bool

    public init(scriptId: String, title: String? = nil) {
        self.scriptId = scriptId; self.title = title; self.users = [:]; self.processedTransactions = []
        self.retryQueue = [:]; self.reviewQueue = [:]; self.openIntents = [:]; self.lastProcessedAt = nil
        self.bootstrapped = false
    }

    public func user(_ name: String) -> UserAccess? { users[Username.key(name)] }
}

extension ReviewItem {
    /// The end a `.purchase`-term item carries.
    var purchaseEnd: PurchaseEnd? { PurchaseEnd.carried(term: term, purchaseEnds) }
}

extension PurchaseEnd {
    /// A queue item's stored end: only a `.purchase` term has one, and nil there means it never ends.
    static func carried(term: AccessTerm?, _ date: Date?) -> PurchaseEnd? {
        term == .purchase ? (date.map { .until($0) } ?? .never) : nil
    }

    /// The date to store for it (nil for `.never`).
    var storedDate: Date? { if case .until(let d) = self { return d }; return nil }
}
