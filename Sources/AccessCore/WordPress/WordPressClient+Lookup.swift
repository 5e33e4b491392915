import Foundation

/// What the REST API says about one transaction id.
public enum TransactionLookup: Sendable, Hashable {
    case found(Transaction)
    /// WordPress has no transaction with this id (404).
    case notFound
    /// A record came back but cannot be used (no username, unknown product field...): the reason.
    case rejected(String)
}

extension WordPressClient {
    /// `GET {transactions_endpoint}/{id}` (MemberPress style only): the webhook's claim checked at the source.
    /// `id` must be digits (it came from a webhook body); anything else throws `RemoteError.malformed`.
    public func transaction(id: String) async throws -> TransactionLookup {
        guard config.style == .memberpress else {
            throw RemoteError.notConfigured("wordpress.style: looking up one transaction needs the memberpress style")
        }
        guard (1...20).contains(id.count), id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw RemoteError.malformed("transaction id must be 1 to 20 digits")
        }
        let url = RemoteURL.join(config.baseUrl, config.transactionsEndpoint) + "/" + id
        let request = HTTPRequest(method: "GET", url: url, headers: authHeaders + [("Accept", "application/json")])
        let response = try await http.send(request, endpoint: "wp.transaction")
        let secrets = authHeaders.map(\.value)
        switch response.status {
        case 200...299: break
        case 404: return .notFound
        case 401, 403:
            throw RemoteError.notConfigured("WordPress refused the credentials (HTTP \(response.status)): check wordpress.auth; \(ResponseSnippet.make(response.body, redacting: secrets))")
        default:
            throw RemoteError.rejected(status: response.status, detail: "WordPress \(config.transactionsEndpoint)/\(id): \(ResponseSnippet.make(response.body, redacting: secrets))")
        }
        guard let record = try? JSONValue.parse(response.body), case .object = record else {
            throw RemoteError.malformed("WordPress \(config.transactionsEndpoint)/\(id) did not answer a JSON object: \(ResponseSnippet.make(response.body, redacting: secrets))")
        }
        switch mapper.map(record) {
        case .transaction(let t):
            return t.id == id ? .found(t) : .rejected("WordPress answered transaction \(t.id) for id \(id)")
        case .rejected(let r): return .rejected(r.reason)
        }
    }
}
