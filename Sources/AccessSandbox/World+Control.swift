import Foundation

/// The `/__sandbox/` routes tests and benchmarks use to see and steer the sandbox. No auth.
extension World {
    func stateReply() -> Reply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(snapshot()) else { return .detail(500, "state could not be encoded") }
        return Reply(status: 200, body: String(decoding: data, as: UTF8.self))
    }

    mutating func faultsRoute(_ request: SandboxRequest) -> Reply {
        let settings: Faults
        if request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            settings = Faults()
        } else {
            guard let decoded = request.decodeJSON(Faults.self) else {
                return .detail(400, "faults: body must be a JSON object of fault fields, e.g. {\"latency_ms\": 20}")
            }
            settings = decoded
        }
        setFaults(settings)
        return .ok
    }

    struct SessionBody: Decodable {
        let sessionid: String
        let sessionidSign: String
        enum CodingKeys: String, CodingKey { case sessionid, sessionidSign = "sessionid_sign" }
    }

    mutating func setSession(sessionid: String, sessionidSign: String) {
        session = SessionState(sessionid: sessionid, sessionidSign: sessionidSign)
    }

    mutating func sessionRoute(_ request: SandboxRequest) -> Reply {
        guard let body = request.decodeJSON(SessionBody.self) else {
            return .detail(400, "session: body must be {\"sessionid\": ..., \"sessionid_sign\": ...}")
        }
        setSession(sessionid: body.sessionid, sessionidSign: body.sessionidSign)
        return .ok
    }

    mutating func transactionsRoute(_ request: SandboxRequest) -> Reply {
        guard let records = request.decodeJSON([SandboxTransaction].self) else {
            return .detail(400, "transactions: body must be a JSON array of seed-style records with product_id")
        }
        let ids = appendTransactions(records)
        return .json(200, .object([("status", .string("ok")), ("ids", .array(ids.map(JSONValue.int)))]))
    }

    struct AccountBody: Decodable { let username: String }

    mutating func accountsRoute(_ request: SandboxRequest) -> Reply {
        guard let body = request.decodeJSON(AccountBody.self) else {
            return .detail(400, "accounts: body must be {\"username\": \"Name\"}")
        }
        guard accounts.add(body.username) != nil else {
            return .detail(409, "account exists (in some spelling) or name is empty")
        }
        return .json(201, .object([("status", .string("ok"))]))
    }

    struct RenameBody: Decodable { let from: String; let to: String }

    /// `POST /__sandbox/rename`: the account keeps its id and every grant (expiration, created).
    mutating func renameRoute(_ request: SandboxRequest) -> Reply {
        guard let body = request.decodeJSON(RenameBody.self) else {
            return .detail(400, "rename: body must be {\"from\": \"OldName\", \"to\": \"NewName\"}")
        }
        guard accounts.exact(body.from) != nil else { return .detail(404, "no account spelled \(body.from)") }
        guard rename(body.from, to: body.to) else {
            return .detail(409, "the new name is empty or taken (in some spelling)")
        }
        return .ok
    }

    /// Moves an account's name and its grants; false when the account or the new name will not do.
    mutating func rename(_ from: String, to: String) -> Bool {
        guard accounts.rename(from, to: to) != nil else { return false }
        for pineId in Array(scripts.keys) {
            if scripts[pineId]?.everHad.remove(from) != nil { scripts[pineId]?.everHad.insert(to) }
            guard let grant = scripts[pineId]?.grants.removeValue(forKey: from) else { continue }
            scripts[pineId]?.grants[to] = Grant(id: grant.id, username: to, lowerName: to.lowercased(),
                                                expiration: grant.expiration, created: grant.created)
            listCache[pineId] = nil
        }
        return true
    }

    struct LoseGrantsBody: Decodable {
        let pineId: String?
        let usernames: [String]?
        let every: Int?
        enum CodingKeys: String, CodingKey { case pineId = "pine_id", usernames, every }
    }

    /// `POST /__sandbox/lose_grants`: TradingView loses access without anyone writing (the field saw it
    /// after a reset on their side). Not logged in `writes`: no client wrote it.
    mutating func loseGrantsRoute(_ request: SandboxRequest) -> Reply {
        guard let body = request.decodeJSON(LoseGrantsBody.self), body.usernames != nil || body.every != nil else {
            return .detail(400, "lose_grants: body must be {\"pine_id\": optional, \"usernames\": [...]} or {\"every\": N}")
        }
        if let pineId = body.pineId, scripts[pineId] == nil { return .detail(404, "unknown pine_id") }
        let removed = loseGrants(pineId: body.pineId, usernames: body.usernames, every: body.every)
        return .json(200, .object([("status", .string("ok")), ("removed", .array(removed.map(JSONValue.string)))]))
    }

    /// Removes the named users' grants, or every Nth grant by username order, of one script (nil = all).
    /// Answers the removed names, "PINE_ID username" each.
    mutating func loseGrants(pineId: String?, usernames: [String]?, every: Int?) -> [String] {
        var removed: [String] = []
        for id in (pineId.map { [$0] } ?? scripts.keys.sorted()) {
            guard let grants = scripts[id]?.grants else { continue }
            var names: [String]
            if let usernames { names = usernames.filter { grants[$0] != nil } } else {
                let step = max(every ?? 1, 1)
                names = grants.keys.sorted().enumerated().filter { ($0.offset + 1) % step == 0 }.map(\.element)
            }
            for name in names {
                scripts[id]?.grants[name] = nil
                removed.append("\(id) \(name)")
            }
            if !names.isEmpty { listCache[id] = nil }
        }
        return removed
    }
}

extension World {
    mutating func memberPressListingRoute(_ request: SandboxRequest) -> Reply {
        guard let listing = request.decodeJSON(MemberPressListing.self) else {
            return .detail(400, "memberpress: body must be {\"default_order\": \"desc\"|\"asc\", \"honour_order\": bool, \"totals_headers\": bool, \"default_per_page\": N, \"max_per_page\": N}")
        }
        memberPressListing = listing
        return .ok
    }

    struct StatusBody: Decodable {
        let id: Int
        let status: String
        let expiresAt: String?
        enum CodingKeys: String, CodingKey { case id, status, expiresAt = "expires_at" }
    }

    mutating func transactionStatusRoute(_ request: SandboxRequest) -> Reply {
        guard let body = request.decodeJSON(StatusBody.self) else {
            return .detail(400, "transaction-status: body must be {\"id\": N, \"status\": \"complete\", \"expires_at\": optional}")
        }
        let expires: Date?? = body.expiresAt.map { Timestamps.parseWordPress($0) }
        guard setTransactionStatus(id: body.id, status: body.status, expiresAt: expires) else {
            return .detail(404, "no transaction \(body.id)")
        }
        return .ok
    }

    struct GrantBody: Decodable {
        let pineId: String
        let username: String
        let expiration: String?
        enum CodingKeys: String, CodingKey { case pineId = "pine_id", username, expiration }
    }

    /// `POST /__sandbox/grants` `[{"pine_id", "username", "expiration" (ISO-8601, null = lifetime)}]`.
    mutating func grantsRoute(_ request: SandboxRequest) -> Reply {
        guard let body = request.decodeJSON([GrantBody].self) else {
            return .detail(400, "grants: body must be a JSON array of {\"pine_id\", \"username\", \"expiration\"}")
        }
        for g in body {
            let expiration = g.expiration.flatMap { try? Date.ISO8601FormatStyle().parse($0) }
            guard seedGrant(pineId: g.pineId, username: g.username, expiration: expiration, created: Date()) else {
                return .detail(400, "grants: unknown pine_id or account \(g.username)")
            }
        }
        return .ok
    }

    /// Access that exists before our product writes anything: set directly, never in `writes`.
    mutating func seedGrant(pineId: String, username: String, expiration: Date?, created: Date) -> Bool {
        guard let account = accounts.exact(username), scripts[pineId] != nil else { return false }
        scripts[pineId]?.grants[account.username] = Grant(
            id: nextGrantId, username: account.username, lowerName: account.username.lowercased(),
            expiration: expiration, created: created)
        scripts[pineId]?.everHad.insert(account.username)
        nextGrantId += 1
        listCache[pineId] = nil
        return true
    }
}
