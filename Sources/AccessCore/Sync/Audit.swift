import Foundation

/// One user TradingView's list differs on from master data, as the scheduled audit found it.
public struct AuditDrift: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Our own write, still pending read-back, is not on the list as written: it did not stick.
        case unkept
        /// Master data gives access, TradingView lists nobody (removed in TradingView's UI, or lost there).
        case removed
        /// TradingView gives access master data does not (added in TradingView's UI).
        case added
        /// Both give access, with different expiries (changed in TradingView's UI).
        case changed

        /// Made by someone (or something) other than this program.
        public var isForeign: Bool { self != .unkept }
    }
    public var username: String
    public var kind: Kind
    /// What master data holds and TradingView lists (`AccessState.label`: none, lifetime or the expiry).
    public var local: String
    public var remote: String
    /// A repair item was queued for it (`audit.repair`).
    public var repairQueued: Bool
}

/// The audit of one script: what differs, what was repaired, renames followed.
public struct AuditScriptReport: Codable, Sendable, Hashable {
    public var scriptId: String
    public var drift: [AuditDrift] = []
    public var matching = 0
    /// Users changed while the list was being read (or with work in flight): left to the next audit.
    public var skipped = 0
    /// Users earlier runs left pending read-back, now found on the list as master data holds them.
    public var verified = 0
    public var renamed = 0
    public var pages = 0
    /// Why the script could not be audited (the list did not read); nil when it was.
    public var error: String?

    public init(scriptId: String) { self.scriptId = scriptId }

    public func count(_ kind: AuditDrift.Kind) -> Int { drift.filter { $0.kind == kind }.count }
    public var repairsQueued: Int { drift.filter(\.repairQueued).count }
}

/// The comparison the audit makes for one script, pure: master data (with the users pending read-back)
/// against the whole list read just before. `Reconciler.diff` (resync's) finds the differences; this
/// sorts them into own and foreign drift, follows renames and decides the repairs by policy.
public enum Audit {
    public struct Outcome: Sendable {
        public var report: AuditScriptReport
        /// Renames and repair items, committed in one durable line.
        public var changes: [AccessChange] = []
        /// Pending users found on the list as master data holds them.
        public var verifiedPending: [String] = []
        public var renames: [(from: String, to: String)] = []
    }

    /// `listStarted`: when the list's first page was asked for. A user master data changed since then (a
    /// sync wrote while the audit read) or with work in flight is not judged against a list older than it.
    public static func compare(_ state: ScriptAccess, remote: [RemoteAccess], pending: Set<String>, repair: AuditConfig.Repair,
                               listStarted: Date, now: Date, actor: String) -> Outcome {
        var outcome = Outcome(report: AuditScriptReport(scriptId: state.scriptId))
        var state = state
        // Renames first: an account TradingView lists under a new name is the same user (its id), not drift.
        (outcome.changes, outcome.renames) = renames(state, remote: remote, now: now, actor: actor)
        state.apply(changes: outcome.changes)
        outcome.report.renamed = outcome.renames.count

        let busy = Set(state.openIntents.values.map { Username.key($0.username) } + state.retryQueue.values.map { Username.key($0.username) })
        func judged(_ key: String) -> Bool {
            if busy.contains(key) { return false }
            if let last = state.users[key]?.history.last, last.at >= listStarted { return false }
            return true
        }
        let diff = Reconciler.diff(state, remote: remote, now: now)
        outcome.report.matching = diff.matching
        var drift: [(AuditDrift, RemoteOperation?)] = []
        for u in diff.missingRemote {
            let key = Username.key(u.username)
            guard judged(key) else { outcome.report.skipped += 1; continue }
            drift.append((AuditDrift(username: u.username, kind: pending.contains(key) ? .unkept : .removed,
                                     local: AccessState(u).label, remote: "none", repairQueued: false), .grant))
        }
        for m in diff.expiryMismatch {
            let key = Username.key(m.username)
            guard judged(key) else { outcome.report.skipped += 1; continue }
            let local: AccessState = m.local.map { .until($0) } ?? .lifetime
            let remote: AccessState = m.remote.map { .until($0) } ?? .lifetime
            let kind: AuditDrift.Kind = pending.contains(key) ? .unkept : local.isActive(at: now) ? .changed : .added
            drift.append((AuditDrift(username: m.username, kind: kind, local: local.label, remote: remote.label, repairQueued: false),
                          local.isActive(at: now) ? .extend : .revoke))
        }
        for r in diff.unknownLocal {
            let key = Username.key(r.username)
            guard judged(key) else { outcome.report.skipped += 1; continue }
            let remote: AccessState = r.expiry.map { .until($0) } ?? .lifetime
            guard remote.isActive(at: now) else { outcome.report.matching += 1; continue }
            drift.append((AuditDrift(username: r.username, kind: .added, local: "none", remote: remote.label, repairQueued: false), .revoke))
        }
        let queuedRepairs = Set(state.retryQueue.values.filter { SyncWork.isRepair($0.id) }.map { Username.key($0.username) })
        for (var d, operation) in drift {
            let key = Username.key(d.username)
            if let operation, repair == .all || !d.kind.isForeign, !queuedRepairs.contains(key) {
                let user = state.users[key]
                outcome.changes.append(.putRetry(RetryItem(
                    id: SyncWork.repairPrefix + UUID().uuidString.lowercased(), operation: operation, username: d.username,
                    email: user?.email, term: nil, transactionId: nil, attempts: 0, nextAttemptAt: now,
                    lastError: "audit: \(d.kind.rawValue) (here \(d.local), on TradingView \(d.remote))", createdAt: now, plannedAt: now)))
                d.repairQueued = true
            }
            outcome.report.drift.append(d)
        }
        // Pending users the list shows as master data holds them: verified now (read, not assumed).
        let drifted = Set(outcome.report.drift.map { Username.key($0.username) })
        let listed = Set(remote.map { Username.key($0.username) })
        outcome.verifiedPending = pending.filter { key in
            guard !drifted.contains(key), judged(key) else { return false }
            let active = AccessState(state.users[key]).isActive(at: now)
            return active ? listed.contains(key) : true
        }.sorted()
        outcome.report.verified = outcome.verifiedPending.count
        return outcome
    }

    /// Users the list shows under a new name with the id master data knows under the old one: TradingView lets a
    /// user rename once and access stays with the account. The record moves (history kept, a `renamed` entry);
    /// the changes remove the old row and upsert the moved one. Shared by the audit, resync and read-back.
    public static func renames(_ state: ScriptAccess, remote: [RemoteAccess], now: Date, actor: String)
        -> (changes: [AccessChange], renames: [(from: String, to: String)]) {
        let byId = Dictionary(state.users.values.compactMap { u in u.tvUserId.map { ($0, u) } }, uniquingKeysWith: { a, _ in a })
        var changes: [AccessChange] = [], renames: [(from: String, to: String)] = []
        for r in remote {
            guard let id = r.id, let old = byId[id], Username.key(old.username) != Username.key(r.username),
                  state.users[Username.key(r.username)] == nil else { continue }
            var moved = old
            moved.username = r.username
            moved.history.append(HistoryEntry(at: now, actor: actor, action: "renamed", expiry: old.expiry))
            changes += [.removeUser(username: old.username), .upsertUser(moved)]
            renames.append((old.username, r.username))
        }
        return (changes, renames)
    }

    /// Seconds between two list pages of the audit: it takes at most half the TradingView rate budget
    /// (`tradingview.rate_limit_per_minute`), leaving the other half to the purchases that arrive meanwhile.
    public static func pagePause(ratePerMinute: Int) -> Double { 120.0 / Double(max(1, ratePerMinute)) }

    /// Calls and wall time of one audit of a script with `users` users at that pace (for `make bench` and
    /// the docs): one list call per 30 users.
    public static func cost(users: Int, ratePerMinute: Int) -> (calls: Int, seconds: Double) {
        let pages = max(1, (users + SyncEngine.listPageUsers - 1) / SyncEngine.listPageUsers)
        return (pages, Double(pages - 1) * pagePause(ratePerMinute: ratePerMinute))
    }
}
