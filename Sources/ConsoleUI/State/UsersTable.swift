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
    /// Lowercased "username email" of every row, back to back; `searchStart[i]..<searchStart[i+1]`,
    /// the username ending at `nameEnd[i]`.
    private var searchBlob: [UInt8] = []
    private var searchStart: [Int32] = [0]
    private var nameEnd: [Int32] = []
    /// Earlier filters of this snapshot and their matches, shortest first: a backspace goes back to
    /// one of them instead of searching every row again.
    private var filterHistory: [FilterResult] = []
    private struct FilterResult: Sendable, Equatable { var text: String; var visible: [Int32] }
    /// Ascending row orders already computed for this snapshot, by sort key: a second sort by a column
    /// (or its reverse) costs nothing.
    private var orders: [SortKey: [Int32]] = [:]
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
        nameEnd = []; nameEnd.reserveCapacity(rows.count)
        for r in rows {
            Self.appendLowercased(r.username, to: &searchBlob)
            nameEnd.append(Int32(searchBlob.count))
            searchBlob.append(0x20)
            Self.appendLowercased(r.email, to: &searchBlob)
            searchStart.append(Int32(searchBlob.count))
        }
        orders = [:]
        filterHistory = []
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
        let key = SortKey(sortColumn)
        let ascendingOrder = orders[key] ?? computeOrder(key)
        orders[key] = ascendingOrder
        order = ascending ? ascendingOrder : ascendingOrder.reversed()
        visible = filter.isEmpty ? order : order.filter { matches($0, Array(filter.lowercased().utf8)) }
    }

    /// Row indices in ascending order of `key`, ties by row index (a stable, repeatable order).
    /// Strings sort by an 8-byte prefix packed into an integer first: most comparisons of 100k rows
    /// are then one integer compare, not a string compare.
    private func computeOrder(_ key: SortKey) -> [Int32] {
        let n = rows.count
        switch key {
        case .expiry, .lastAction:
            let values: [Double] = key == .expiry
                ? rows.map { $0.expiry?.timeIntervalSince1970 ?? .infinity }
                : rows.map { $0.lastActionAt?.timeIntervalSince1970 ?? -.infinity }
            return values.withUnsafeBufferPointer { v in
                (0..<Int32(n)).sorted { v[Int($0)] != v[Int($1)] ? v[Int($0)] < v[Int($1)] : $0 < $1 }
            }
        case .username, .email:
            return searchBlob.withUnsafeBufferPointer { blob in
                searchStart.withUnsafeBufferPointer { starts in
                    nameEnd.withUnsafeBufferPointer { ends in
                        func range(_ i: Int) -> (Int, Int) {
                            key == .username ? (Int(starts[i]), Int(ends[i])) : (Int(ends[i]) + 1, Int(starts[i + 1]))
                        }
                        func prefix(_ i: Int) -> UInt64 {
                            let (a, b) = range(i)
                            var p: UInt64 = 0
                            for k in 0..<8 { p = p << 8 | UInt64(a + k < b ? blob[a + k] : 0) }
                            return p
                        }
                        let prefixes = (0..<n).map(prefix)
                        return prefixes.withUnsafeBufferPointer { pre in
                            (0..<Int32(n)).sorted { x, y in
                                let i = Int(x), j = Int(y)
                                if pre[i] != pre[j] { return pre[i] < pre[j] }
                                let (a0, a1) = range(i), (b0, b1) = range(j)
                                let la = a1 - a0, lb = b1 - b0
                                let c = memcmp(blob.baseAddress! + a0, blob.baseAddress! + b0, min(la, lb))
                                if c != 0 { return c < 0 }
                                return la != lb ? la < lb : x < y
                            }
                        }
                    }
                }
            }
        }
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
            visible = source.filter { matches($0, bytes) }
            filterHistory.removeAll { !needle.hasPrefix($0.text) }
            filterHistory.append(FilterResult(text: needle, visible: visible))
        }
        filter = text
        if let keep, let i = visible.firstIndex(where: { rows[Int($0)].username == keep }) {
            cursor.selected = i
        } else {
            cursor.selected = 0; cursor.top = 0
        }
    }

    /// `text` lowercased into `out`: ASCII byte by byte (names and emails nearly always are), anything
    /// else through Foundation.
    static func appendLowercased(_ text: String, to out: inout [UInt8]) {
        let utf8 = text.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            for b in utf8 { out.append(b >= 0x41 && b <= 0x5A ? b + 32 : b) }
        } else {
            out.append(contentsOf: text.lowercased().utf8)
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
