import Foundation

/// TradingView direct mode: the paths of tradingview.com, cookie session, form bodies.
extension World {
    static let maxPageSize = 30

    /// Cookie and Origin checks, and the session-expiry countdown. nil = authenticated.
    /// `expiredStatus` is 403 (login_required) for pine_perm calls and 401 for tvcoins.
    mutating func authenticate(_ request: SandboxRequest, expiredStatus: Int) -> Reply? {
        if request.method == "POST", (request.header("origin") ?? "").isEmpty {
            return .detail(403, "CSRF Failed: Origin checking failed - null does not match any trusted origins.")
        }
        let cookies = request.cookies
        guard cookies["sessionid"] == session.sessionid, cookies["sessionid_sign"] == session.sessionidSign else {
            return .detail(401, "Authentication credentials were not provided.")
        }
        if !session.expired, let at = session.expiresAt, Date() >= at {
            session.expired = true
            session.expiresAt = nil
        }
        if !session.expired, let left = session.callsBeforeExpiry {
            if left <= 0 {
                session.expired = true
                session.callsBeforeExpiry = nil
            } else {
                session.callsBeforeExpiry = left - 1
            }
        }
        guard !session.expired else {
            return expiredStatus == 401 ? .detail(401, "Authentication credentials were not provided.")
                                        : .detail(403, "login_required")
        }
        return nil
    }

    /// `GET /username_hint/?s=NAME`: up to 10 accounts whose name starts with NAME, no login needed.
    func usernameHint(_ request: SandboxRequest) -> Reply {
        let found = accounts.withPrefix(request.query["s"] ?? "", limit: 10)
        return .json(200, .array(found.map {
            .object([("id", .int($0.id)), ("username", .string($0.username)), ("userpic", .string($0.userpic))])
        }))
    }

    /// `GET /tvcoins/details/`: the session health check.
    mutating func tvcoins(_ request: SandboxRequest) -> Reply {
        if let denied = authenticate(request, expiredStatus: 401) { return denied }
        return .json(200, .object([("username", .string("sandbox_vendor")), ("balance", .int(0))]))
    }

    /// `POST /pine_perm/list_users/`: one page, at most 30, with a `next` cursor path.
    mutating func listUsers(_ request: SandboxRequest) -> Reply {
        if let denied = authenticate(request, expiredStatus: 403) { return denied }
        let form = request.form
        guard let pineId = form["pine_id"], scripts[pineId] != nil else {
            return .detail(403, "You are not the owner of this script")
        }
        let orderText = request.query["order_by"] ?? ListOrder.createdDescending.rawValue
        guard let order = ListOrder(rawValue: orderText) else {
            return .detail(400, "Invalid order_by: \(orderText)")
        }
        let limit = min(max(Int(request.query["limit"] ?? "") ?? World.maxPageSize, 1), World.maxPageSize)
        var offset = 0
        if let cursor = request.query["cursor"] {
            guard let decoded = ListCursor.decode(cursor) else { return .detail(400, "Invalid cursor.") }
            offset = decoded
        }
        let names = orderedNames(pineId: pineId, order: order)
        let page = offset < names.count ? names[offset..<min(offset + limit, names.count)] : []
        let grants = scripts[pineId]?.grants ?? [:]
        let results: [JSONValue] = page.compactMap { name in
            guard let grant = grants[name] else { return nil }
            // The account's id, not the grant's: it stays when the user renames (TradingView's user id).
            return .object([
                ("id", .int(accounts.exact(grant.username)?.id ?? 0)),
                ("username", .string(grant.username)),
                ("userpic", .string(accounts.exact(grant.username)?.userpic ?? "")),
                ("expiration", .optional(grant.expiration.map(Timestamps.iso))),
                ("created", .string(Timestamps.iso(grant.created))),
            ])
        }
        let nextOffset = offset + page.count
        let next: JSONValue = nextOffset < names.count
            ? .string("/pine_perm/list_users/?cursor=\(ListCursor.encode(offset: nextOffset))&limit=\(limit)&order_by=\(FormDecoding.escape(order.rawValue))")
            : .null
        return .json(200, .object([("results", .array(results)), ("next", next)]))
    }

    /// `POST /pine_perm/add/`
    mutating func addAccess(_ request: SandboxRequest, now: Date) -> Reply {
        switch writeTarget(request) {
        case .failure(let error): return error.reply
        case .success(let target):
            switch add(pineId: target.pineId, username: target.username, expiration: target.expiration,
                       via: "direct", now: now) {
            case .created: return .json(201, .object([("status", .string("ok"))]))
            case .regranted: return .ok
            case .exists: return .json(200, .object([("status", .string("exists"))]))
            }
        }
    }

    /// `POST /pine_perm/modify_user_expiration/`: no expiration = lifetime.
    mutating func modifyExpiration(_ request: SandboxRequest) -> Reply {
        switch writeTarget(request) {
        case .failure(let error): return error.reply
        case .success(let target):
            guard modify(pineId: target.pineId, username: target.username, expiration: target.expiration,
                         via: "direct") else { return .detail(404, "User has no access") }
            return .ok
        }
    }

    /// `POST /pine_perm/remove/`: 200 whether or not the user had access.
    mutating func removeAccess(_ request: SandboxRequest) -> Reply {
        switch writeTarget(request) {
        case .failure(let error): return error.reply
        case .success(let target):
            remove(pineId: target.pineId, username: target.username, via: "direct")
            return .ok
        }
    }

    struct WriteTarget { let pineId: String; let username: String; let expiration: Date? }

    /// Authenticates and validates the form fields every write shares.
    private mutating func writeTarget(_ request: SandboxRequest) -> Result<WriteTarget, ReplyError> {
        if let denied = authenticate(request, expiredStatus: 403) { return .failure(ReplyError(denied)) }
        let form = request.form
        guard let pineId = form["pine_id"], scripts[pineId] != nil else {
            return .failure(ReplyError(.detail(403, "You are not the owner of this script")))
        }
        guard let name = form["username_recip"], accounts.exact(name) != nil else {
            return .failure(ReplyError(.detail(400, "User does not exist")))
        }
        var expiration: Date?
        if let text = form["expiration"], !text.isEmpty {
            guard let date = Timestamps.parseISO(text) else {
                return .failure(ReplyError(.detail(400, "Invalid expiration: expected ISO-8601 UTC")))
            }
            expiration = date
        }
        return .success(WriteTarget(pineId: pineId, username: name, expiration: expiration))
    }

    /// The usernames of a script in one order, cached until the script's next write.
    private mutating func orderedNames(pineId: String, order: ListOrder) -> [String] {
        if let cached = listCache[pineId]?[order] { return cached }
        let names = order.sorted(Array(scripts[pineId]?.grants.values ?? [String: Grant]().values)).map(\.username)
        listCache[pineId, default: [:]][order] = names
        return names
    }
}

/// A reply carried through `Result`'s failure side.
struct ReplyError: Error {
    let reply: Reply
    init(_ reply: Reply) { self.reply = reply }
}
