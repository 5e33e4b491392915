import Foundation

/// One write TradingView answered ok this run: what its list must show afterwards.
struct WrittenAccess: Sendable, Hashable {
    var scriptId: String
    /// TradingView's spelling, as the write was sent.
    var username: String
    var operation: RemoteOperation
    /// What the write set: present with this expiry (grant, extend), or absent (revoke).
    var after: AccessState
    var covers: [SyncWork]
    var email: String?
    var wpUsername: String?
    /// The user had no access before (a new customer): their entry is among the list's newest.
    var firstGrant = false

    init(_ w: PlannedWrite) {
        scriptId = w.scriptId; username = w.username; operation = w.operation; after = w.after
        covers = w.covers; email = w.email; wpUsername = w.wpUsername
        firstGrant = w.before == .none
    }

    /// What master data holds for a user an earlier run left pending (no write of this run).
    init(scriptId: String, user: UserAccess, now: Date) {
        self.scriptId = scriptId; username = user.username; operation = .extend; after = AccessState(user)
        covers = []; email = user.email; wpUsername = user.wpUsername
    }

    /// A first grant to a user master data never held: TradingView lists it among the newest-created entries
    /// (`order_by=-created`, the direct client's order), so a read-back finds it on the list's first pages.
    var newestFirst: Bool { operation == .grant && firstGrant && !isRepair }

    /// A repair sent through the retry queue (`SyncWork.isRepair`): not repaired a second time.
    var isRepair: Bool { covers.contains(where: \.isRepair) }
}

/// Compares what a run wrote with what TradingView's list shows. Pure: the reading and the repairs
/// are `SyncEngine+ReadBack.swift`'s.
enum ReadBack {
    /// A write that is not on the list as written, with what the list shows instead (nil = absent).
    struct Missing: Sendable, Hashable {
        var write: WrittenAccess
        var remote: RemoteAccess?
    }

    struct Outcome: Sendable, Hashable {
        var verified: [WrittenAccess] = []
        var missing: [Missing] = []
    }

    /// The last write per user and script: an earlier one of the same run was overwritten by it.
    static func latest(_ writes: [WrittenAccess]) -> [WrittenAccess] {
        var seen = Set<String>()
        return writes.reversed().filter { seen.insert($0.scriptId + "\u{0}" + Username.key($0.username)).inserted }.reversed()
    }

    /// Each write against one script's list: a grant or extension holds when the user is listed with the
    /// expiry written (to the second, lifetime included); a revoke holds when the user is not listed.
    static func check(_ writes: [WrittenAccess], remote: [RemoteAccess]) -> Outcome {
        let byKey = Dictionary(remote.map { (Username.key($0.username), $0) }, uniquingKeysWith: { a, _ in a })
        var outcome = Outcome()
        for w in writes {
            let listed = byKey[Username.key(w.username)]
            let holds: Bool
            switch w.operation {
            case .revoke: holds = listed == nil
            case .grant, .extend: holds = listed.map { AccessState.sameExpiry($0.expiry, w.after.expiry) } ?? false
            }
            if holds { outcome.verified.append(w) } else { outcome.missing.append(Missing(write: w, remote: listed)) }
        }
        return outcome
    }

    /// Users whose TradingView id the list showed and master data does not have yet: the id lets a
    /// later rename be followed. Only users read on the list get one.
    static func idChanges(_ verified: [WrittenAccess], remote: [RemoteAccess], state: ScriptAccess) -> [AccessChange] {
        let byKey = Dictionary(remote.map { (Username.key($0.username), $0) }, uniquingKeysWith: { a, _ in a })
        return verified.compactMap { w in
            guard let id = byKey[Username.key(w.username)]?.id, var user = state.user(w.username), user.tvUserId != id
            else { return nil }
            user.tvUserId = id
            return .upsertUser(user)
        }
    }

    /// Users an earlier run left pending, as master data holds them now: active ones are expected on the list
    /// with master data's expiry. Users master data has no access for (the write never landed and settlement
    /// closed it, or the access ended since) have nothing to check (returned second).
    static func expected(_ keys: Set<String>, state: ScriptAccess, now: Date) -> ([WrittenAccess], [String]) {
        var expected: [WrittenAccess] = [], gone: [String] = []
        // Work still queued for a user (a retry) is not judged yet: it stays pending.
        let queued = Set(state.retryQueue.values.map { Username.key($0.username) })
        for key in keys.sorted() where !queued.contains(key) {
            if let user = state.users[key], AccessState(user).isActive(at: now) {
                expected.append(WrittenAccess(scriptId: state.scriptId, user: user, now: now))
            } else {
                gone.append(key)
            }
        }
        return (expected, gone)
    }

    /// The retry item that sends a missing write once more (`SyncPlanner.repairWrite` plans it from master
    /// data when it runs): grant when TradingView lists nobody, extend when it lists another expiry, revoke.
    static func repairItem(_ m: Missing, now: Date) -> RetryItem {
        let w = m.write
        let operation: RemoteOperation = w.operation == .revoke ? .revoke : (m.remote == nil ? .grant : .extend)
        return RetryItem(id: SyncWork.repairPrefix + UUID().uuidString.lowercased(), operation: operation,
                         username: m.remote?.username ?? w.username, email: w.email, term: nil,
                         transactionId: w.covers.first?.transactionId, attempts: 0, nextAttemptAt: now,
                         lastError: "answered ok, not on TradingView's list at read-back", createdAt: now, plannedAt: now)
    }

    /// The write that puts a missing one right, from what the list shows now.
    static func repair(_ m: Missing, actor: String) -> WriteCommand {
        let w = m.write
        let before: AccessState = m.remote.map { $0.expiry.map { .until($0) } ?? .lifetime } ?? .none
        let operation: RemoteOperation = w.operation == .revoke ? .revoke : (m.remote == nil ? .grant : .extend)
        return WriteCommand(scriptId: w.scriptId, operation: operation, username: m.remote?.username ?? w.username,
                            before: before, after: w.after, covers: [], email: w.email, wpUsername: w.wpUsername,
                            actor: actor, action: "readback-repair")
    }
}
