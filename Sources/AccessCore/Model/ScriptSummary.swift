import Foundation
import Synchronization

/// A user as a reader that only shows data sees them (the console): TradingView's spelling, email,
/// expiry and the newest history entry. No WordPress name, grant date or older history, and no
/// dictionary: at 100k users those are most of what a full read costs.
public struct UserSummary: Sendable, Equatable {
    /// The key master data files the user under (`Username.key`).
    public var key: String
    public var username: String
    public var email: String?
    /// nil = lifetime.
    public var expiry: Date?
    public var lastAction: HistoryEntry?

    public init(key: String, username: String, email: String? = nil, expiry: Date? = nil, lastAction: HistoryEntry? = nil) {
        self.key = key; self.username = username; self.email = email; self.expiry = expiry; self.lastAction = lastAction
    }

    public init(key: String, _ u: UserAccess) {
        self.init(key: key, username: u.username, email: u.email, expiry: u.expiry, lastAction: u.lastAction)
    }
}

/// A script as the console shows it: everything of `ScriptAccess` but the processed transaction ids,
/// and its users as summaries in key order (the order the snapshot file holds them in, so reading
/// needs no dictionary and the username order comes nearly sorted).
public struct ScriptSummary: Sendable, Equatable {
    /// The script without users and without processed ids: its queues, title and run marks.
    public private(set) var script: ScriptAccess
    /// Ascending by `key`, one per key.
    public private(set) var users: UserList

    public var scriptId: String { script.scriptId }
    public var title: String? {
        get { script.title }
        set { script.title = newValue }
    }
    public var retryQueue: [String: RetryItem] { script.retryQueue }
    public var reviewQueue: [String: ReviewItem] { script.reviewQueue }
    public var openIntents: [String: WriteIntent] { script.openIntents }
    public var lastProcessedAt: Date? { script.lastProcessedAt }
    public var bootstrapped: Bool { script.bootstrapped }

    public init(_ full: ScriptAccess) {
        var head = full
        head.users = [:]; head.processedTransactions = []
        script = head
        users = UserList(full.users.sorted { $0.key < $1.key }.map { UserSummary(key: $0.key, $0.value) })
    }

    /// `users` as read from a file: put in key order when the file was not (a hand-edited one), a
    /// later duplicate key winning as it does in a dictionary read.
    init(script head: ScriptAccess, usersInFileOrder read: UserList) {
        var head = head
        head.users = [:]; head.processedTransactions = []
        script = head
        users = Self.inKeyOrder(read)
    }

    static func inKeyOrder(_ users: UserList) -> UserList {
        if isInKeyOrder(users) { return users }
        // Stable: among equal keys the later one stays last, and is the one kept.
        let sorted = users.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element)
        var out: [UserSummary] = []
        out.reserveCapacity(sorted.count)
        for u in sorted {
            if let last = out.last, last.key == u.key { out[out.count - 1] = u } else { out.append(u) }
        }
        return UserList(out)
    }

    /// Each part checked on its own side by side (100k string comparisons), then where parts meet.
    private static func isInKeyOrder(_ users: UserList) -> Bool {
        let parts = users.parts
        let disorder = Atomic(false)
        DispatchQueue.concurrentPerform(iterations: parts.count) { p in
            let part = parts[p]
            for i in part.indices.dropFirst() where !(part[i - 1].key < part[i].key) {
                disorder.store(true, ordering: .relaxed)
                return
            }
        }
        guard !disorder.load(ordering: .relaxed) else { return false }
        return parts.indices.dropFirst().allSatisfy { parts[$0 - 1].last!.key < parts[$0].first!.key }
    }

    /// The user filed under `key`, if any.
    public func user(key: String) -> UserSummary? { users.index(ofKey: key).map { users[$0] } }

    /// Journal changes, meaning what they mean to `ScriptAccess.apply` (a test holds the two
    /// together). User changes collect in a small table first and are merged into the ordered users
    /// once, part by part: only parts a changed key falls in are rebuilt, the others are kept as
    /// they are (a journal nearly always holds a few user changes; copying 100k users for them would
    /// cost the console's first frame ~15 ms).
    public mutating func apply(_ changes: [AccessChange]) {
        var changed: [String: UserSummary?] = [:]
        for change in changes {
            switch change {
            case .upsertUser(let u):
                let key = Username.key(u.username)
                changed[key] = .some(UserSummary(key: key, u))
            case .removeUser(let name):
                changed[Username.key(name)] = .some(nil)
            case .appendHistory(let name, let entry):
                let key = Username.key(name)
                guard var u = changed[key] ?? user(key: key) else { continue }
                u.lastAction = entry
                changed[key] = .some(u)
            case .markProcessed:
                continue   // a summary holds no processed ids
            default:
                script.apply(change)
            }
        }
        guard !changed.isEmpty else { return }
        var parts = users.parts
        if parts.isEmpty { parts = [[]] }
        // Each changed key goes to the last part whose first key is not above it (the first part
        // for keys below every part).
        var byPart: [Int: [String]] = [:]
        for key in changed.keys.sorted() {
            let p = parts.lastIndex { ($0.first?.key ?? "") <= key } ?? 0
            byPart[p, default: []].append(key)
        }
        for (p, keys) in byPart { parts[p] = Self.merge(parts[p], keys: keys, changed: changed) }
        users = UserList(parts: parts)
    }

    /// `part` with the users under `keys` (ascending) replaced, added or (nil) removed.
    private static func merge(_ part: [UserSummary], keys: [String], changed: [String: UserSummary?]) -> [UserSummary] {
        var merged: [UserSummary] = []
        merged.reserveCapacity(part.count + keys.count)
        let list = UserList(part)
        var i = 0
        for key in keys {
            let at = list.position(ofKey: key)
            merged.append(contentsOf: part[i..<at])
            i = at < part.count && part[at].key == key ? at + 1 : at
            if let u = changed[key]! { merged.append(u) }
        }
        merged.append(contentsOf: part[i...])
        return merged
    }
}
