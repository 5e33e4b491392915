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
}
