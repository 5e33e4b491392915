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

/// One user as the table shows it, flattened once per snapshot so sorting and filtering stay cheap.
public struct UserRow: Sendable, Equatable {
    public var username: String
    public var email: String
    /// nil = lifetime.
    public var expiry: Date?
    public var lastAction: String
    public var lastActionAt: Date?

    public init(_ u: UserAccess) {
        username = u.username
        email = u.email ?? ""
        expiry = u.expiry
        if let h = u.lastAction {
            lastAction = h.result == "ok" ? h.action : "\(h.action) (\(h.result))"
            lastActionAt = h.at
        } else {
            lastAction = ""
        }
    }
}

public enum UserStatus: Int, Sendable, Comparable {
    case expired, expiring, active, lifetime
    public static func < (a: UserStatus, b: UserStatus) -> Bool { a.rawValue < b.rawValue }
    public var label: String {
        switch self {
        case .expired: return "expired"
        case .expiring: return "expiring"
        case .active: return "active"
        case .lifetime: return "lifetime"
        }
    }

    public static func of(expiry: Date?, now: Date) -> UserStatus {
        guard let expiry else { return .lifetime }
        if expiry <= now { return .expired }
        return expiry.timeIntervalSince(now) <= 7 * 86_400 ? .expiring : .active
    }
}

/// The Users pane's data: rows, sort order, filter and marks. Filtering is incremental (a longer
/// filter narrows the current matches) over a precomputed lowercase byte blob, so a keystroke at
/// 100k users costs a few milliseconds.
public struct UsersTable: Sendable, Equatable {
    public private(set) var rows: [UserRow] = []
    public private(set) var sortColumn: UserColumn = .username
    public private(set) var ascending = true
    public private(set) var filter = ""
    /// Row indices in sort order.
    private var order: [Int32] = []
    /// `order` restricted to the filter: what the table shows.
    public private(set) var visible: [Int32] = []
    /// Lowercased "username email" of every row, back to back; `searchStart[i]..<searchStart[i+1]`.
    private var searchBlob: [UInt8] = []
    private var searchStart: [Int32] = [0]
    /// Marked users, by lowercase key.
    public var marked: Set<String> = []
    public var cursor = Cursor()

    public init() {}

    public init(users: some Collection<UserAccess>) { load(users) }

    public var count: Int { visible.count }
    public func row(at visibleIndex: Int) -> UserRow? {
        guard visibleIndex >= 0, visibleIndex < visible.count else { return nil }
        return rows[Int(visible[visibleIndex])]
    }
    public var selected: UserRow? { row(at: cursor.selected) }

    /// Replaces the rows (a new snapshot), keeping sort, filter, marks and the selected user.
    public mutating func load(_ users: some Collection<UserAccess>) {
        let keep = selected?.username
        rows = users.map(UserRow.init)
        searchBlob = []; searchBlob.reserveCapacity(rows.count * 32)
        searchStart = [0]; searchStart.reserveCapacity(rows.count + 1)
        for r in rows {
            searchBlob.append(contentsOf: (r.username + " " + r.email).lowercased().utf8)
            searchStart.append(Int32(searchBlob.count))
        }
        let keys = Set(rows.map { Username.key($0.username) })
        marked = marked.intersection(keys)
        resort()
        if let keep, let i = visible.firstIndex(where: { rows[Int($0)].username == keep }) { cursor.selected = i }
    }

    public mutating func sort(by column: UserColumn, ascending: Bool) {
        sortColumn = column; self.ascending = ascending
        resort()
    }

    private mutating func resort() {
        let rows = self.rows
        let key: (Int32, Int32) -> Bool
        func expiryValue(_ i: Int32) -> Double { rows[Int(i)].expiry?.timeIntervalSince1970 ?? .infinity }
        switch sortColumn {
        case .username:
            let lower = rows.map { $0.username.lowercased() }
            key = { lower[Int($0)] < lower[Int($1)] }
        case .email:
            let lower = rows.map { $0.email.lowercased() }
            key = { lower[Int($0)] != lower[Int($1)] ? lower[Int($0)] < lower[Int($1)] : $0 < $1 }
        case .expiry, .daysLeft, .status:
            key = { expiryValue($0) != expiryValue($1) ? expiryValue($0) < expiryValue($1) : $0 < $1 }
        case .lastAction:
            key = {
                let a = rows[Int($0)].lastActionAt ?? .distantPast, b = rows[Int($1)].lastActionAt ?? .distantPast
                return a != b ? a < b : $0 < $1
            }
        }
        var sorted = (0..<Int32(rows.count)).sorted(by: key)
        if !ascending { sorted.reverse() }
        order = sorted
        visible = filter.isEmpty ? order : order.filter { matches($0, Array(filter.lowercased().utf8)) }
    }

    /// Sets the filter; when it only narrows the previous one, only current matches are searched.
    public mutating func setFilter(_ text: String) {
        let needle = text.lowercased()
        let old = filter.lowercased()
        let keep = selected?.username
        if needle.isEmpty {
            visible = order
        } else {
            let bytes = Array(needle.utf8)
            let source = (!old.isEmpty && needle.contains(old)) ? visible : order
            visible = source.filter { matches($0, bytes) }
        }
        filter = text
        if let keep, let i = visible.firstIndex(where: { rows[Int($0)].username == keep }) {
            cursor.selected = i
        } else {
            cursor.selected = 0; cursor.top = 0
        }
    }

    private func matches(_ row: Int32, _ needle: [UInt8]) -> Bool {
        let start = Int(searchStart[Int(row)]), end = Int(searchStart[Int(row) + 1])
        let n = needle.count
        guard n > 0 else { return true }
        guard end - start >= n else { return false }
        return searchBlob.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { nd in
                let first = nd[0]
                var i = start
                let last = end - n
                while i <= last {
                    if hay[i] == first {
                        var j = 1
                        while j < n && hay[i + j] == nd[j] { j += 1 }
                        if j == n { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    /// Usernames extend and revoke act on: the marked ones, or the selected one.
    public var targets: [String] {
        if !marked.isEmpty {
            return rows.filter { marked.contains(Username.key($0.username)) }.map(\.username).sorted()
        }
        return selected.map { [$0.username] } ?? []
    }

    public mutating func toggleMark() {
        guard let u = selected else { return }
        let k = Username.key(u.username)
        if marked.contains(k) { marked.remove(k) } else { marked.insert(k) }
    }

    public func isMarked(_ row: UserRow) -> Bool { !marked.isEmpty && marked.contains(Username.key(row.username)) }
}
