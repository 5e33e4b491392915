import Foundation

/// What a grant, extend or revoke did for one user.
public struct ActionReport: Codable, Sendable, Hashable {
    public enum Result: String, Codable, Sendable {
        case applied
        /// Nothing to send: the user already has at least this (e.g. lifetime).
        case unchanged
        case dryRun = "dry-run"
        /// TradingView failed for a transient reason; the change waits in the retry queue.
        case queued
    }
    public var scriptId: String
    public var username: String
    public var operation: RemoteOperation
    public var result: Result
    /// Expiry after the change; nil with `lifetime` true = lifetime, nil otherwise = no access.
    public var expiry: Date?
    public var lifetime: Bool
    public var detail: String

    init(scriptId: String, username: String, operation: RemoteOperation, result: Result, after: AccessState, detail: String) {
        self.scriptId = scriptId; self.username = username; self.operation = operation; self.result = result
        self.expiry = after.expiry; self.lifetime = after == .lifetime; self.detail = detail
    }
}

/// A name checked against TradingView.
public struct ValidatedName: Codable, Sendable, Hashable {
    public var typed: String
    /// TradingView's spelling: what grants must use.
    public var canonical: String
}
