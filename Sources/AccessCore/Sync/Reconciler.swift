import Foundation

public struct ExpiryMismatch: Codable, Sendable, Hashable {
    public var username: String
    /// nil = lifetime.
    public var local: Date?
    public var remote: Date?
    /// TradingView gives more than master data: resync adopts the remote expiry instead of cutting it.
    public var remoteIsLater: Bool {
        switch (local, remote) {
        case (_, nil): return local != nil
        case (nil, _): return false
        case let (l?, r?): return r > l
        }
    }
}

/// Master data against TradingView's list for one script.
public struct ResyncDiff: Codable, Sendable, Hashable {
    public var scriptId: String
    /// Active in master data, absent on TradingView.
    public var missingRemote: [UserAccess]
    /// On TradingView, unknown to master data.
    public var unknownLocal: [RemoteAccess]
    /// On both, with different expiries (lifetime counts as an expiry).
    public var expiryMismatch: [ExpiryMismatch]
    /// Users on both sides that agree.
    public var matching: Int

    public var isEmpty: Bool { missingRemote.isEmpty && unknownLocal.isEmpty && expiryMismatch.isEmpty }
}

public struct ResyncApplied: Codable, Sendable, Hashable {
    public var granted = 0
    public var adopted = 0
    public var updated = 0
    /// username -> why its fix failed.
    public var failed: [String: String] = [:]
    public var stale = false
}

public enum Reconciler {
    /// Expired users absent from TradingView agree with it; everything else must match to the second.
    public static func diff(_ local: ScriptAccess, remote: [RemoteAccess], now: Date) -> ResyncDiff {
        let remoteByKey = Dictionary(remote.map { (Username.key($0.username), $0) }, uniquingKeysWith: { a, _ in a })
        var diff = ResyncDiff(scriptId: local.scriptId, missingRemote: [], unknownLocal: [], expiryMismatch: [], matching: 0)
        for key in local.users.keys.sorted() {
            let user = local.users[key]!
            if let r = remoteByKey[key] {
                if AccessState.sameExpiry(user.expiry, r.expiry) { diff.matching += 1 } else {
                    diff.expiryMismatch.append(ExpiryMismatch(username: r.username, local: user.expiry, remote: r.expiry))
                }
            } else if AccessState(user).isActive(at: now) {
                diff.missingRemote.append(user)
            }
        }
        diff.unknownLocal = remote.filter { local.users[Username.key($0.username)] == nil }
            .sorted { Username.key($0.username) < Username.key($1.username) }
        return diff
    }

    /// Applies a diff: grant the missing with our expiry, adopt the unknown (no remote write), and for a
    /// mismatch set TradingView to ours unless TradingView's is later (then adopt it). Stops at a stale session.
    /// `step` is called after each remote write with whether it was a grant.
    static func apply(_ diff: ResyncDiff, in session: ScriptSession, writer: RemoteWriter, actor: String,
                      now: Date, step: (Bool) -> Void = { _ in }) async throws -> ResyncApplied {
        var result = ResyncApplied()
        var adopt: [AccessChange] = []
        for r in diff.unknownLocal {
            adopt.append(.upsertUser(UserAccess(username: r.username, expiry: r.expiry, grantedAt: r.created, history: [
                HistoryEntry(at: now, actor: actor, action: "resync-adopt", expiry: r.expiry, result: session.dryRun ? "dry-run" : "ok"),
            ])))
        }
        for m in diff.expiryMismatch where m.remoteIsLater {
            var user = session.state.user(m.username) ?? UserAccess(username: m.username, expiry: m.remote)
            user.username = m.username
            user.expiry = m.remote
            user.history.append(HistoryEntry(at: now, actor: actor, action: "resync-adopt", expiry: m.remote,
                                             result: session.dryRun ? "dry-run" : "ok"))
            adopt.append(.upsertUser(user))
        }
        try session.commit(adopt)
        result.adopted = adopt.count

        var writes: [WriteCommand] = diff.missingRemote.map { u in
            let state = AccessState(u)
            return WriteCommand(scriptId: diff.scriptId, operation: .grant, username: u.username, before: .none,
                                after: state, covers: [], email: u.email, wpUsername: u.wpUsername, actor: actor, action: "resync-grant")
        }
        for m in diff.expiryMismatch where !m.remoteIsLater {
            let user = session.state.user(m.username)
            let ours: AccessState = m.local.map { .until($0) } ?? .lifetime
            writes.append(WriteCommand(scriptId: diff.scriptId, operation: .extend, username: m.username,
                                       before: m.remote.map { .until($0) } ?? .lifetime, after: ours, covers: [],
                                       email: user?.email, wpUsername: user?.wpUsername, actor: actor, action: "resync-update"))
        }
        for cmd in writes {
            defer { step(cmd.operation == .grant) }
            switch try await writer.perform(cmd, in: session, now: now) {
            case .applied, .dryRun:
                if cmd.operation == .grant { result.granted += 1 } else { result.updated += 1 }
            case .failed(let error):
                result.failed[cmd.username] = error.description
                if error.isStale { result.stale = true; return result }
            }
        }
        return result
    }
}
