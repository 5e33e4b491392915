import AccessCore
import Foundation

/// Columns of the Users pane, in display order.
public enum UserColumn: Int, CaseIterable, Sendable {
    case username, email, expiry, daysLeft, status, lastAction
    public var title: String {
        switch self {
        case .username: return "Username"
        case .email: return "Email"
        case .expiry: return "Expiry"
        case .daysLeft: return "Days"
        case .status: return "Status"
        case .lastAction: return "Last action"
        }
    }
}

/// What rows are ordered by: Expiry, Days and Status all sort by the expiry.
enum SortKey: Hashable, Sendable {
    case username, email, expiry, lastAction
    init(_ column: UserColumn) {
        switch column {
        case .username: self = .username
        case .email: self = .email
        case .expiry, .daysLeft, .status: self = .expiry
        case .lastAction: self = .lastAction
        }
    }
}

/// One user as the table shows it, made from the user's summary when shown (sorting and filtering use
/// the index's columns, not rows).
public struct UserRow: Sendable, Equatable {
    public var username: String
    public var email: String
    /// nil = lifetime.
    public var expiry: Date?
    public var lastAction: String
    public var lastActionAt: Date?
    /// The newest write took the access away (a revoke that went through): `revoked`, not `expired`.
    public var revoked: Bool

    public init(_ u: UserSummary) {
        username = u.username
        email = u.email ?? ""
        expiry = u.expiry
        revoked = u.lastAction.map { $0.action == "revoke" && $0.result == "ok" } ?? false
        if let h = u.lastAction {
            // A customer fixing their own name through the mail link is worth telling apart from an admin.
            let who = h.actor == ActorName.customerViaLink ? " by customer" : ""
            lastAction = (h.result == "ok" ? h.action : "\(h.action) (\(h.result))") + who
            lastActionAt = h.at
        } else {
            lastAction = ""
        }
    }
}

public enum UserStatus: Int, Sendable, Comparable {
    case revoked, expired, expiring, active, lifetime
    public static func < (a: UserStatus, b: UserStatus) -> Bool { a.rawValue < b.rawValue }
    public var label: String {
        switch self {
        case .revoked: return "revoked"
        case .expired: return "expired"
        case .expiring: return "expiring"
        case .active: return "active"
        case .lifetime: return "lifetime"
        }
    }

    /// A revoked user is `revoked` for as long as the revoke is the newest thing that happened to them
    /// (a later grant makes them active again).
    public static func of(_ row: UserRow, now: Date) -> UserStatus {
        if row.revoked, row.expiry.map({ $0 <= now }) ?? false { return .revoked }
        return of(expiry: row.expiry, now: now)
    }

    public static func of(expiry: Date?, now: Date) -> UserStatus {
        guard let expiry else { return .lifetime }
        if expiry <= now { return .expired }
        return expiry.timeIntervalSince(now) <= 7 * 86_400 ? .expiring : .active
    }
}

/// The Users pane's data: one script's `UsersIndex` plus the sort order, filter and marks. Filtering is
/// incremental (a longer filter narrows the current matches) over the index's lowercase byte blob, so a
/// keystroke at 100k users costs a few milliseconds.
public struct UsersTable: Sendable, Equatable {
    public private(set) var index = UsersIndex.empty
    public var rows: LazyMapCollection<UserList, UserRow> { index.rows }
    public private(set) var sortColumn: UserColumn = .username
    public private(set) var ascending = true
    public private(set) var filter = ""
    /// Row indices in sort order.
    private var order: [Int32] = []
    /// `order` restricted to the filter: what the table shows.
    public private(set) var visible: [Int32] = []
    /// Earlier filters of this snapshot and their matches, shortest first: a backspace goes back to
    /// one of them instead of searching every row again.
    private var filterHistory: [FilterResult] = []
    private struct FilterResult: Sendable, Equatable { var text: String; var visible: [Int32] }
    /// Ascending row orders already computed for this index, by sort key: a second sort by a column
    /// (or its reverse) costs nothing.
    private var orders: [SortKey: [Int32]] = [:]
    /// Marked users, by lowercase key.
    public var marked: Set<String> = []
    public var cursor = Cursor()

    public init() {}

    public init(users: [UserAccess]) { load(UsersIndex(users: users)) }

    public var count: Int { visible.count }
    public func row(at visibleIndex: Int) -> UserRow? {
        guard visibleIndex >= 0, visibleIndex < visible.count else { return nil }
        return rows[Int(visible[visibleIndex])]
    }
    public var selected: UserRow? { row(at: cursor.selected) }

    /// Shows another index (a new snapshot or script), keeping sort, filter, marks and the selected user.
    public mutating func load(_ index: UsersIndex) {
        let keep = selected?.username
        self.index = index
        orders = [.username: index.byUsername]
        filterHistory = []
        if !marked.isEmpty {   // marks of users gone from the new snapshot are dropped (each looked up by key)
            marked = marked.filter { index.row(key: $0) != nil }
        }
        resort()
        if let keep, let i = visibleIndex(of: keep) { cursor.selected = i }
    }

    /// Sorts, keeping the selected user selected (wherever the new order puts it): the next `e` or
    /// `r` must act on the user the admin had selected, not on whoever lands on that row.
    public mutating func sort(by column: UserColumn, ascending: Bool) {
        let keep = selected?.username
        sortColumn = column; self.ascending = ascending
        resort()
        if let keep, let i = visibleIndex(of: keep) { cursor.selected = i }
    }

    private mutating func resort() {
        let key = SortKey(sortColumn)
        let ascendingOrder = orders[key] ?? index.computeOrder(key)
        orders[key] = ascendingOrder
        order = ascending ? ascendingOrder : ascendingOrder.reversed()
        let needle = Array(filter.lowercased().utf8)
        visible = filter.isEmpty ? order : order.filter { index.matches($0, needle) }
    }

    /// Sets the filter; when it only narrows the previous one, only current matches are searched.
    public mutating func setFilter(_ text: String) {
        let needle = text.lowercased()
        let old = filter.lowercased()
        let keep = selected?.username
        if needle.isEmpty {
            visible = order
            filterHistory = []
        } else if let earlier = filterHistory.last(where: { $0.text == needle }) {
            visible = earlier.visible
            filterHistory.removeAll { $0.text.count > needle.count }
        } else {
            let bytes = Array(needle.utf8)
            let source = (!old.isEmpty && needle.contains(old)) ? visible : order
            visible = source.filter { index.matches($0, bytes) }
            filterHistory.removeAll { !needle.hasPrefix($0.text) }
            filterHistory.append(FilterResult(text: needle, visible: visible))
        }
        filter = text
        if let keep, let i = visibleIndex(of: keep) {
            cursor.selected = i
        } else {
            cursor.selected = 0; cursor.top = 0
        }
    }

    /// The next shown row after `from` (before it, backwards) whose username or email contains
    /// `text`, wrapping around the ends; nil when none does. Compares bytes of the index, no rows made.
    public func nextMatch(_ text: String, from: Int, forward: Bool) -> (index: Int, wrapped: Bool)? {
        let needle = Array(text.lowercased().utf8)
        let n = visible.count
        guard n > 0, !needle.isEmpty else { return nil }
        for step in 1...n {
            let i = forward ? from + step : from - step
            let k = ((i % n) + n) % n
            if index.matches(visible[k], needle) { return (k, forward ? i >= n : i < 0) }
        }
        return nil
    }

    /// Usernames extend and revoke act on: the marked ones, or the selected one.
    public var targets: [String] {
        if !marked.isEmpty {
            return marked.compactMap { index.row(key: $0).map { index.users[Int($0)].username } }.sorted()
        }
        return selected.map { [$0.username] } ?? []
    }

    public mutating func toggleMark() {
        guard let u = selected else { return }
        let k = Username.key(u.username)
        if marked.contains(k) { marked.remove(k) } else { marked.insert(k) }
    }

    /// Where `username` is shown, if it is: its row found by key, then its place among the shown
    /// rows (integers compared, not 100k names).
    private func visibleIndex(of username: String) -> Int? {
        guard let row = index.row(key: Username.key(username)) else { return nil }
        return visible.firstIndex(of: row)
    }

    public func isMarked(_ row: UserRow) -> Bool { !marked.isEmpty && marked.contains(Username.key(row.username)) }
}
