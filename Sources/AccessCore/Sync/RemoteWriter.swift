import Foundation

/// One remote write with its bookkeeping, as every path (sync, retries, actions, resync) makes it:
/// journal an intent, call TradingView, then commit the result and close the intent in one unit.
struct WriteCommand: Sendable {
    var scriptId: String
    var operation: RemoteOperation
    /// TradingView's spelling: the write endpoints are case-sensitive.
    var username: String
    var before: AccessState
    var after: AccessState
    var covers: [SyncWork]
    var email: String?
    var wpUsername: String?
    var actor: String
    /// The history entry's action: grant, extend, revoke, resync, review-resolve, ...
    var action: String
    /// TradingView's user id, when the validation that found the name gave one: kept on the user.
    var tvUserId: Int? = nil
}

enum WriteOutcome: Sendable {
    case applied
    case dryRun
    case failed(RemoteError)
}

struct RemoteWriter: Sendable {
    let client: any TradingViewClient

    /// Store errors are thrown: the remote write may have landed, and the open intent settles it on the next start.
    /// `openedIntents`: the command's intents, already durable (see `Run.openIntentsAhead`).
    func perform(_ cmd: WriteCommand, in session: ScriptSession, now: Date,
                 openedIntents: [WriteIntent]? = nil) async throws -> WriteOutcome {
        if session.dryRun {
            try session.commit(session.read { Self.resultChanges(cmd, state: $0, result: "dry-run", now: now) })
            return .dryRun
        }
        let intents: [WriteIntent]
        if let openedIntents {
            intents = openedIntents
        } else {
            intents = Self.intents(for: cmd, now: now)
            try session.commit(intents.map { .openIntent($0) })
        }
        // What follows the write need not wait for the disk: should it be lost in a power cut, the
        // durable intent above is settled against TradingView's list on the next start.
        do {
            try await send(cmd)
        } catch {
            try session.commit(intents.map { .closeIntent(id: $0.id) }, durability: .deferred)
            return .failed(RemoteError.wrap(error))
        }
        let result = session.read { Self.resultChanges(cmd, state: $0, result: "ok", now: now) }
        try session.commit(intents.map { .closeIntent(id: $0.id) } + result, durability: .deferred)
        return .applied
    }

    private func send(_ cmd: WriteCommand) async throws {
        switch cmd.operation {
        case .grant:
            // "exists" means they already had access we did not know of: set the expiry we owe them.
            if try await client.grant(scriptId: cmd.scriptId, username: cmd.username, expiry: cmd.after.expiry) == .exists {
                try await client.modifyExpiration(scriptId: cmd.scriptId, username: cmd.username, expiry: cmd.after.expiry)
            }
        case .extend:
            do {
                try await client.modifyExpiration(scriptId: cmd.scriptId, username: cmd.username, expiry: cmd.after.expiry)
            } catch RemoteError.rejected(status: 404, _) {
                // Gone on TradingView's side although master data has them active: add them back.
                _ = try await client.grant(scriptId: cmd.scriptId, username: cmd.username, expiry: cmd.after.expiry)
            }
        case .revoke:
            do {
                try await client.remove(scriptId: cmd.scriptId, username: cmd.username)
            } catch RemoteError.rejected(status: 404, _) {
                // Already gone: the revoke's goal holds.
            }
        }
    }

    /// One intent per covered work item, so settlement can mark each processed on its own.
    static func intents(for cmd: WriteCommand, now: Date) -> [WriteIntent] {
        let ids: [String?] = cmd.covers.isEmpty ? [nil] : cmd.covers.map(\.workId)
        return ids.map { workId in
            WriteIntent(id: "intent-\(UUID().uuidString.lowercased())", operation: cmd.operation, username: cmd.username,
                        targetExpiry: cmd.after.expiry, previousExpiry: cmd.before.expiry,
                        wasKnown: cmd.before != .none, transactionId: workId, createdAt: now)
        }
    }

    /// The user record after the write, one history entry per covered work item, and the work marked done.
    static func resultChanges(_ cmd: WriteCommand, state: ScriptAccess, result: String, now: Date) -> [AccessChange] {
        var user = state.user(cmd.username)
            ?? UserAccess(username: cmd.username, email: cmd.email, wpUsername: cmd.wpUsername, expiry: nil)
        user.username = cmd.username
        if let e = cmd.email, !e.isEmpty { user.email = e }
        if let w = cmd.wpUsername { user.wpUsername = w }
        if let id = cmd.tvUserId { user.tvUserId = id }
        // A revoked user stays in master data (their history matters), with access ending now.
        user.expiry = cmd.after == .none ? now : cmd.after.expiry
        if !cmd.before.isActive(at: now) && cmd.after.isActive(at: now) { user.grantedAt = now }
        let txIds: [String?] = cmd.covers.isEmpty ? [nil] : cmd.covers.map { $0.transactionId ?? $0.workId }
        for tx in txIds {
            user.history.append(HistoryEntry(at: now, actor: cmd.actor, action: cmd.action,
                                             expiry: cmd.after == .none ? nil : cmd.after.expiry,
                                             transactionId: tx, result: result))
        }
        return [.upsertUser(user)] + doneChanges(for: cmd.covers.map(\.workId), state: state)
    }

    /// Marks work done: transactions processed, retry items dropped, and the review item a resolved
    /// review leaves (so a crash between the write and the commit cannot grant it twice).
    static func doneChanges(for workIds: [String], state: ScriptAccess) -> [AccessChange] {
        var changes: [AccessChange] = []
        for id in workIds {
            if state.reviewQueue[id] != nil { changes.append(.dropReview(id: id)) }
            if let retry = state.retryQueue[id] {
                changes.append(.dropRetry(id: id))
                if let tx = retry.transactionId { changes.append(.markProcessed(transactionId: tx)) }
            } else if !SyncWork.isManual(id) {
                changes.append(.markProcessed(transactionId: id))
            }
        }
        return changes
    }
}

extension RemoteError {
    /// Anything a client throws that is not already a RemoteError is a transport problem: worth a retry.
    static func wrap(_ error: any Error) -> RemoteError {
        if let e = error as? RemoteError { return e }
        if error is CancellationError { return .transient("cancelled", retryAfter: nil) }
        return .transient(String(describing: error), retryAfter: nil)
    }

    var isStale: Bool { if case .sessionStale = self { return true }; return false }
}
