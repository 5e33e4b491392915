import Foundation

/// The access-API service (seed 000's REST front for TradingView): JSON bodies, `X-API-Key` header.
/// It shares the TradingView state with direct mode, so both modes see the same grants.
extension World {
    /// The JSON body of grant, update and revoke.
    struct AccessAPIBody: Decodable {
        let scriptId: String?
        let username: String?
        let email: String?
        let expiry: String?
        let subscriptionType: String?
        let wpUsername: String?
        let remarks: String?

        enum CodingKeys: String, CodingKey {
            case scriptId, username, email, expiry, remarks
            case subscriptionType = "subscription_type", wpUsername = "wp_username"
        }
    }

    func checkAPIKey(_ request: SandboxRequest) -> Reply? {
        request.header("x-api-key") == accessApiKey ? nil : .detail(401, "invalid api key")
    }

    /// `GET /tradingview/validate?username=NAME`
    func apiValidate(_ request: SandboxRequest) -> Reply {
        if let denied = checkAPIKey(request) { return denied }
        guard let account = accounts.matching(request.query["username"] ?? "") else {
            return .json(200, .object([("valid", .bool(false))]))
        }
        return .json(200, .object([("valid", .bool(true)), ("username", .string(account.username))]))
    }

    /// `POST /tradingview/access/grant`: new access, or a new expiry for existing access.
    mutating func apiGrant(_ request: SandboxRequest, now: Date) -> Reply {
        switch apiTarget(request, needsExpiry: true) {
        case .failure(let error): return error.reply
        case .success(let target):
            if add(pineId: target.pineId, username: target.username, expiration: target.expiration,
                   via: "access_api", now: now) == .exists {
                _ = modify(pineId: target.pineId, username: target.username, expiration: target.expiration,
                           via: "access_api")
            }
            return .ok
        }
    }

    /// `POST /tradingview/access/update`: 404 when the user has no access.
    mutating func apiUpdate(_ request: SandboxRequest) -> Reply {
        switch apiTarget(request, needsExpiry: true) {
        case .failure(let error): return error.reply
        case .success(let target):
            guard modify(pineId: target.pineId, username: target.username, expiration: target.expiration,
                         via: "access_api") else { return .detail(404, "User has no access") }
            return .ok
        }
    }

    /// `POST /tradingview/access/revoke`
    mutating func apiRevoke(_ request: SandboxRequest) -> Reply {
        switch apiTarget(request, needsExpiry: false) {
        case .failure(let error): return error.reply
        case .success(let target):
            remove(pineId: target.pineId, username: target.username, via: "access_api")
            return .ok
        }
    }

    /// `GET /tradingview/access/list?scriptId=ID`: every user at once, by name.
    func apiList(_ request: SandboxRequest) -> Reply {
        if let denied = checkAPIKey(request) { return denied }
        guard let script = scripts[request.query["scriptId"] ?? ""] else { return .detail(404, "Unknown scriptId") }
        let users: [JSONValue] = script.grants.values.sorted { $0.username < $1.username }.map {
            .object([("username", .string($0.username)), ("expiry", .optional($0.expiration.map(Timestamps.iso)))])
        }
        return .json(200, .object([("users", .array(users))]))
    }

    private func apiTarget(_ request: SandboxRequest, needsExpiry: Bool) -> Result<WriteTarget, ReplyError> {
        if let denied = checkAPIKey(request) { return .failure(ReplyError(denied)) }
        guard let body = request.decodeJSON(AccessAPIBody.self) else {
            return .failure(ReplyError(.detail(400, "Body must be a JSON object")))
        }
        guard let pineId = body.scriptId, scripts[pineId] != nil else {
            return .failure(ReplyError(.detail(404, "Unknown scriptId")))
        }
        guard let name = body.username, accounts.exact(name) != nil else {
            return .failure(ReplyError(.detail(400, "User does not exist")))
        }
        var expiration: Date?
        if needsExpiry, let text = body.expiry {
            guard let date = Timestamps.parseISO(text) else {
                return .failure(ReplyError(.detail(400, "Invalid expiry: expected ISO-8601 or null")))
            }
            expiration = date
        }
        return .success(WriteTarget(pineId: pineId, username: name, expiration: expiration))
    }
}
