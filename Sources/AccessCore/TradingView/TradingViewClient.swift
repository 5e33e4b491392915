import Foundation

/// One user's access to one script as TradingView reports it.
public struct RemoteAccess: Sendable, Hashable, Codable {
    public var username: String
    /// nil = lifetime.
    public var expiry: Date?
    public var created: Date?
    /// TradingView's user id, when the service gives one (direct mode's list does): stable across renames.
    public var id: Int?
    public init(username: String, expiry: Date?, created: Date? = nil, id: Int? = nil) {
        self.username = username; self.expiry = expiry; self.created = created; self.id = id
    }
}

/// A TradingView account as a name lookup answers it: its spelling and, where given, its user id.
public struct RemoteAccount: Sendable, Hashable {
    public var username: String
    public var id: Int?
    public init(username: String, id: Int?) { self.username = username; self.id = id }
}

public enum GrantOutcome: String, Sendable, Hashable {
    case created    // 201
    case regranted  // 200
    case exists     // {"status": "exists"}
}

public struct SessionCheck: Sendable, Hashable {
    public var valid: Bool
    public var account: String?
    public var detail: String
    public init(valid: Bool, account: String?, detail: String) { self.valid = valid; self.account = account; self.detail = detail }
}

/// How a remote call failed, in the terms the engine decides on. Messages never carry secrets.
public enum RemoteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 401, or 403 with login_required: stop writing at once.
    case sessionStale(String)
    /// Timeout, reset, 5xx, 429: worth another try later.
    case transient(String, retryAfter: TimeInterval?)
    /// The remote said no for a reason retrying will not fix (403 not owner, 400, 404).
    case rejected(status: Int, detail: String)
    /// The body did not have the shape we expect.
    case malformed(String)
    /// Config is missing something this call needs.
    case notConfigured(String)

    public var description: String {
        switch self {
        case .sessionStale(let d): return "TradingView session is stale: \(d)"
        case .transient(let d, let after):
            return after.map { "temporary failure: \(d) (retry after \(Int($0))s)" } ?? "temporary failure: \(d)"
        case .rejected(let s, let d): return "rejected (HTTP \(s)): \(d)"
        case .malformed(let d): return "unexpected response: \(d)"
        case .notConfigured(let d): return "not configured: \(d)"
        }
    }

    public var isTransient: Bool { if case .transient = self { return true }; return false }
}

/// TradingView, whichever way it is reached (direct with session cookies, or the access-API service).
public protocol TradingViewClient: Sendable {
    /// The canonical spelling when the name exists, nil when it does not.
    func validate(username: String) async throws -> String?
    /// Every user with access to the script (all pages).
    func listUsers(scriptId: String) async throws -> [RemoteAccess]
    /// One page of the script's list: the first when `cursor` is nil. Lets a caller use each page as it
    /// comes (a first run learns names while a long list is still loading).
    func listPage(scriptId: String, after cursor: ListCursor?) async throws -> ListPage
    /// expiry nil = lifetime.
    func grant(scriptId: String, username: String, expiry: Date?) async throws -> GrantOutcome
    /// expiry nil = lifetime.
    func modifyExpiration(scriptId: String, username: String, expiry: Date?) async throws
    func remove(scriptId: String, username: String) async throws
    /// A cheap authenticated call that answers 200 only while the session is good.
    func checkSession() async throws -> SessionCheck
    /// The account of that name with its user id where the service gives one (nil = no such user).
    func account(username: String) async throws -> RemoteAccount?
}

extension TradingViewClient {
    /// For a service that gives no user ids: the validated spelling only.
    public func account(username: String) async throws -> RemoteAccount? {
        try await validate(username: username).map { RemoteAccount(username: $0, id: nil) }
    }

    /// For a service whose list is not paged: the whole list as one page.
    public func listPage(scriptId: String, after cursor: ListCursor?) async throws -> ListPage {
        ListPage(users: try await listUsers(scriptId: scriptId), next: nil)
    }
}
