import Foundation

/// Validates each name at most once per run, across scripts and concurrent tasks: every TradingView call counts.
actor NameValidator {
    private let client: any TradingViewClient
    private var results: [String: RemoteAccount?] = [:]
    private var inFlight: [String: Task<RemoteAccount?, any Error>] = [:]

    init(client: any TradingViewClient, known: [String: String] = [:]) {
        self.client = client
        for (k, v) in known { results[k] = .some(RemoteAccount(username: v, id: nil)) }
    }

    /// TradingView's spelling, or nil when no such user exists.
    func canonical(_ name: String) async throws -> String? { try await account(name)?.username }

    /// TradingView's spelling and user id (where the service gives one), or nil when no such user exists.
    func account(_ name: String) async throws -> RemoteAccount? {
        let key = Username.key(name)
        if let r = results[key] { return r }
        if let t = inFlight[key] { return try await t.value }
        let client = self.client
        let task = Task { try await client.account(username: name) }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        let value = try await task.value
        results[key] = .some(value)
        return value
    }
}
