import Foundation

/// The pure half of the direct client: reading TradingView's answers and mapping its errors.
public enum DirectResponses {
    public struct ListPage: Sendable, Hashable {
        public var users: [RemoteAccess]
        /// The next page's path with its cursor; nil on the last page.
        public var next: String?
    }

    private struct ListBody: Decodable {
        struct User: Decodable { var id: Int?; var username: String; var expiration: String?; var created: String? }
        var results: [User]
        var next: String?
    }
    private struct HintEntry: Decodable { var username: String; var id: Int? }
    private struct StatusBody: Decodable { var status: String }
    private struct DetailBody: Decodable { var detail: String }

    public static func listPage(_ body: Data) throws -> ListPage {
        guard let decoded = try? JSONDecoder().decode(ListBody.self, from: body) else {
            throw RemoteError.malformed("list_users answer is not {results, next}: \(ResponseSnippet.make(body))")
        }
        let users = try decoded.results.map { user -> RemoteAccess in
            var expiry: Date? = nil
            if let text = user.expiration {
                guard let date = ISODate.parse(text) else {
                    throw RemoteError.malformed("list_users: expiration \"\(text.prefix(40))\" for \(user.username) is not ISO-8601")
                }
                expiry = date
            }
            return RemoteAccess(username: user.username, expiry: expiry, created: user.created.flatMap(ISODate.parse), id: user.id)
        }
        let next = decoded.next.flatMap { $0.isEmpty ? nil : $0 }
        return ListPage(users: users, next: next)
    }

    /// The entry of a username_hint answer that matches `name` case-insensitively, in TradingView's spelling.
    public static func canonicalName(_ name: String, hintBody body: Data) throws -> String? {
        try account(name, hintBody: body)?.username
    }

    /// The same entry with its user id, when the answer carries one.
    public static func account(_ name: String, hintBody body: Data) throws -> RemoteAccount? {
        guard let entries = try? JSONDecoder().decode([HintEntry].self, from: body) else {
            throw RemoteError.malformed("username_hint answer is not a list of {username}: \(ResponseSnippet.make(body))")
        }
        let key = Username.key(name)
        return entries.first { Username.key($0.username) == key }.map { RemoteAccount(username: $0.username, id: $0.id) }
    }

    public static func grantOutcome(status: Int, body: Data) throws -> GrantOutcome {
        switch try statusField(body, call: "add") {
        case "ok": return status == 201 ? .created : .regranted
        case "exists": return .exists
        case let other: throw RemoteError.malformed("add answered status \"\(other.prefix(40))\"")
        }
    }

    /// For modify and remove, which answer `{"status": "ok"}`.
    public static func expectOK(_ body: Data, call: String) throws {
        let status = try statusField(body, call: call)
        guard status == "ok" else { throw RemoteError.malformed("\(call) answered status \"\(status.prefix(40))\"") }
    }

    static func statusField(_ body: Data, call: String) throws -> String {
        guard let decoded = try? JSONDecoder().decode(StatusBody.self, from: body) else {
            throw RemoteError.malformed("\(call) answer has no status: \(ResponseSnippet.make(body))")
        }
        return decoded.status
    }

    /// `{"detail": ...}` when the body has one, else a sanitized snippet.
    public static func detail(_ body: Data) -> String {
        if let decoded = try? JSONDecoder().decode(DetailBody.self, from: body) {
            return ResponseSnippet.make(Data(decoded.detail.utf8))
        }
        return ResponseSnippet.make(body)
    }

    /// nil for 2xx; otherwise the error the engine decides on. 401, and 403 about login or
    /// authentication, mean the session is stale; 429 and 5xx are transient; other 4xx are refusals.
    public static func error(status: Int, body: Data, call: String) -> RemoteError? {
        if (200...299).contains(status) { return nil }
        let detail = detail(body)
        switch status {
        case 200...299:
            return nil
        case 401:
            return .sessionStale("\(call) answered HTTP 401: \(detail)")
        case 403 where isLoginProblem(detail):
            return .sessionStale("\(call) answered HTTP 403: \(detail)")
        case 429, 500...599:
            return .transient("\(call) answered HTTP \(status): \(detail)", retryAfter: nil)
        case 400...499:
            return .rejected(status: status, detail: detail)
        default:
            return .malformed("\(call) answered HTTP \(status): \(detail)")
        }
    }

    static func isLoginProblem(_ detail: String) -> Bool {
        let lower = detail.lowercased()
        return ["login_required", "authentication", "credentials", "not authenticated", "log in"].contains { lower.contains($0) }
    }
}
