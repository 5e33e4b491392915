import AccessCore
import Foundation

/// One script's users for the Users pane, built once per snapshot where the snapshot is made (the
/// services' thread), so a reload or a script switch at 100k users costs the UI loop nothing: the
/// users, a lowercase search blob, and the username order (the default sort). Rows are made from the
/// users when shown (a screenful), not 100k at a time. Immutable; `UsersTable` keeps the sort,
/// filter and marks on top of it.
public struct UsersIndex: Sendable, Equatable {
    public let users: UserList
    public var rows: LazyMapCollection<UserList, UserRow> { users.lazy.map(UserRow.init) }
    /// Lowercased "username email" of every row, back to back; `searchStart[i]..<searchStart[i+1]`,
    /// the username ending at `nameEnd[i]`.
    let searchBlob: [UInt8]
    let searchStart: [Int32]
    let nameEnd: [Int32]
    /// Each row's expiry in seconds since 1970, lifetime as +infinity (the expiry sort, the
    /// expiring-soon count).
    public let expiries: [Double]
    /// Row indices by username, ascending.
    private(set) var byUsername: [Int32] = []

    public static let empty = UsersIndex(users: UserList())

    /// Users given as a list (tests, samples): keyed as a script keys them, a later duplicate wins.
    public init(users: [UserAccess]) {
        var script = ScriptAccess(scriptId: "")
        for u in users { script.apply(.upsertUser(u)) }
        self.init(users: ScriptSummary(script).users)
    }

    /// A script's users (in key order, as `ScriptSummary` holds them: the username order then comes
    /// nearly sorted, which the sort finds in one pass). Many users are flattened in parts side by
    /// side (each part into its own blob and expiry column, joined after).
    public init(users: UserList) {
        let n = users.count
        // The list's parts (as read side by side) are the units of work; one big part is cut up.
        let slices: [ArraySlice<UserSummary>]
        if users.parts.count == 1, n >= 20_000 {
            let whole = users.parts[0], k = min(ProcessInfo.processInfo.activeProcessorCount, 4)
            slices = (0..<k).map { whole[(n * $0 / k)..<(n * ($0 + 1) / k)] }
        } else {
            slices = users.parts.map { $0[...] }
        }
        let built = Locked([Part?](repeating: nil, count: slices.count))
        DispatchQueue.concurrentPerform(iterations: slices.count) { k in
            var part = Part(capacity: slices[k].count)
            for u in slices[k] { part.add(u) }
            built.withLock { $0[k] = part }
        }
        var blob: [UInt8] = [], starts: [Int32] = [0], ends: [Int32] = [], expiries: [Double] = []
        expiries.reserveCapacity(n)
        blob.reserveCapacity(built.withLock { $0.reduce(0) { $0 + ($1?.blob.count ?? 0) } })
        starts.reserveCapacity(n + 1); ends.reserveCapacity(n)
        for part in built.withLock({ $0 }) {
            guard let part else { continue }
            let base = Int32(blob.count)
            blob += part.blob
            for e in part.starts.dropFirst() { starts.append(base + e) }
            for e in part.ends { ends.append(base + e) }
            expiries += part.expiries
        }
        self.users = users; searchBlob = blob; searchStart = starts; nameEnd = ends; self.expiries = expiries
        byUsername = computeOrder(.username)
    }

    /// One part's lowercase "username email" blob, offsets from the part's start.
    private struct Part {
        var blob: [UInt8] = []
        var starts: [Int32] = [0]
        var ends: [Int32] = []
        var expiries: [Double] = []
        init(capacity: Int) {
            blob.reserveCapacity(capacity * 32); starts.reserveCapacity(capacity + 1); ends.reserveCapacity(capacity)
            expiries.reserveCapacity(capacity)
        }
        mutating func add(_ u: UserSummary) {
            UsersIndex.appendLowercased(u.username, to: &blob)
            ends.append(Int32(blob.count))
            blob.append(0x20)
            UsersIndex.appendLowercased(u.email ?? "", to: &blob)
            expiries.append(u.expiry?.timeIntervalSince1970 ?? .infinity)
            starts.append(Int32(blob.count))
        }
    }

    /// Row indices in ascending order of `key`, ties by username (so equal expiries keep one order
    /// whatever order the rows came in).
    /// Strings sort by an 8-byte prefix packed into an integer first: most comparisons of 100k rows
    /// are then one integer compare, not a string compare.
    func computeOrder(_ key: SortKey) -> [Int32] {
        let n = users.count
        // A row's place by username; for the username order itself (unique keys) ties cannot happen.
        var rank = [Int32](repeating: 0, count: key == .username ? 0 : n)
        if key != .username { for (place, row) in byUsername.enumerated() { rank[Int(row)] = Int32(place) } }
        switch key {
        case .expiry, .lastAction:
            let values: [Double] = key == .expiry ? expiries : users.map { $0.lastAction?.at.timeIntervalSince1970 ?? -.infinity }
            return values.withUnsafeBufferPointer { v in
                rank.withUnsafeBufferPointer { rank in
                    (0..<Int32(n)).sorted { v[Int($0)] != v[Int($1)] ? v[Int($0)] < v[Int($1)] : rank[Int($0)] < rank[Int($1)] }
                }
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
                                return la != lb ? la < lb : (rank.isEmpty ? x < y : rank[i] < rank[j])
                            }
                        }
                    }
                }
            }
        }
    }

    /// The row of the user filed under `key`.
    func row(key: String) -> Int32? { users.index(ofKey: key).map { Int32($0) } }

    /// Whether row `row`'s lowercase "username email" contains `needle` (lowercase bytes).
    func matches(_ row: Int32, _ needle: [UInt8]) -> Bool {
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

    /// `text` lowercased into `out`: ASCII byte by byte (names and emails nearly always are), anything
    /// else through Foundation.
    static func appendLowercased(_ text: String, to out: inout [UInt8]) {
        let ascii = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            var high: UInt8 = 0
            for b in bytes { high |= b }
            guard high < 0x80 else { return false }
            for b in bytes { out.append(b &- 0x41 < 26 ? b + 32 : b) }
            return true
        }
        if ascii == true { return }
        if ascii == nil, text.utf8.allSatisfy({ $0 < 0x80 }) {
            for b in text.utf8 { out.append(b &- 0x41 < 26 ? b + 32 : b) }
        } else {
            out.append(contentsOf: text.lowercased().utf8)
        }
    }
}
