import AccessCore
import Foundation
import Synchronization

/// One script's users flattened for the Users pane, built once per snapshot where the snapshot is
/// made (the services' thread), so a reload or a script switch at 100k users costs the UI loop
/// nothing: the rows, a lowercase search blob, and the username order (the default sort).
/// Immutable; `UsersTable` keeps the sort, filter and marks on top of it.
public struct UsersIndex: Sendable, Equatable {
    public let rows: [UserRow]
    /// Lowercased "username email" of every row, back to back; `searchStart[i]..<searchStart[i+1]`,
    /// the username ending at `nameEnd[i]`.
    let searchBlob: [UInt8]
    let searchStart: [Int32]
    let nameEnd: [Int32]
    /// Row indices by username, ascending.
    private(set) var byUsername: [Int32] = []

    public static let empty = UsersIndex(users: [String: UserAccess]())

    /// Users given as a list (tests, samples): keyed as a script keys them, a later duplicate wins.
    public init(users: [UserAccess]) {
        self.init(users: Dictionary(users.map { (Username.key($0.username), $0) }, uniquingKeysWith: { _, later in later }))
    }

    /// A script's users. Many users are flattened in parts side by side (each part into its own slice
    /// of the rows and its own blob, joined after).
    public init(users: [String: UserAccess]) {
        let values = users.values, n = values.count
        let parts = n >= 20_000 ? min(ProcessInfo.processInfo.activeProcessorCount, 4) : 1
        var cuts = [values.startIndex]
        for k in 1..<parts { cuts.append(values.index(cuts[k - 1], offsetBy: n / parts)) }
        cuts.append(values.endIndex)
        let bounds = cuts
        let firstRow = (0..<parts).map { $0 * (n / parts) }
        let built = Mutex([Part?](repeating: nil, count: parts))
        let rows = [UserRow](unsafeUninitializedCapacity: n) { buffer, count in
            let out = SharedRows(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                var part = Part(capacity: n / parts + 1)
                var i = firstRow[k]
                for u in values[bounds[k]..<bounds[k + 1]] {
                    let r = UserRow(u)
                    part.add(r)
                    (out.buffer.baseAddress! + i).initialize(to: r)
                    i += 1
                }
                built.withLock { $0[k] = part }
            }
            count = n
        }
        var blob: [UInt8] = [], starts: [Int32] = [0], ends: [Int32] = []
        starts.reserveCapacity(n + 1); ends.reserveCapacity(n)
        for part in built.withLock({ $0 }) {
            guard let part else { continue }
            let base = Int32(blob.count)
            blob += part.blob
            for e in part.starts.dropFirst() { starts.append(base + e) }
            for e in part.ends { ends.append(base + e) }
        }
        self.rows = rows; searchBlob = blob; searchStart = starts; nameEnd = ends
        byUsername = computeOrder(.username)
    }

    /// One part's lowercase "username email" blob, offsets from the part's start.
    private struct Part {
        var blob: [UInt8] = []
        var starts: [Int32] = [0]
        var ends: [Int32] = []
        init(capacity: Int) {
            blob.reserveCapacity(capacity * 32); starts.reserveCapacity(capacity + 1); ends.reserveCapacity(capacity)
        }
        mutating func add(_ r: UserRow) {
            UsersIndex.appendLowercased(r.username, to: &blob)
            ends.append(Int32(blob.count))
            blob.append(0x20)
            UsersIndex.appendLowercased(r.email, to: &blob)
            starts.append(Int32(blob.count))
        }
    }

    /// The rows being built: each part initializes its own range, and the init waits for all of them.
    private struct SharedRows: @unchecked Sendable { let buffer: UnsafeMutableBufferPointer<UserRow> }

    /// Row indices in ascending order of `key`, ties by username (rows come in hash order, which differs
    /// from run to run: ties by row index would reorder equal expiries on every start).
    /// Strings sort by an 8-byte prefix packed into an integer first: most comparisons of 100k rows
    /// are then one integer compare, not a string compare.
    func computeOrder(_ key: SortKey) -> [Int32] {
        let n = rows.count
        // A row's place by username; for the username order itself (unique keys) ties cannot happen.
        var rank = [Int32](repeating: 0, count: key == .username ? 0 : n)
        if key != .username { for (place, row) in byUsername.enumerated() { rank[Int(row)] = Int32(place) } }
        switch key {
        case .expiry, .lastAction:
            let values: [Double] = key == .expiry
                ? rows.map { $0.expiry?.timeIntervalSince1970 ?? .infinity }
                : rows.map { $0.lastActionAt?.timeIntervalSince1970 ?? -.infinity }
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
        let utf8 = text.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            for b in utf8 { out.append(b >= 0x41 && b <= 0x5A ? b + 32 : b) }
        } else {
            out.append(contentsOf: text.lowercased().utf8)
        }
    }
}
