/// A script's user summaries in key order, kept in the parts they were read in side by side: joining
/// 100k summaries into one array would cost the console's first frame ~15 ms (a copy of every
/// summary and fresh pages for it) and buy nothing. Reads like one array.
public struct UserList: RandomAccessCollection, Sendable, Equatable {
    /// Never empty parts.
    public private(set) var parts: [[UserSummary]]
    /// `ends[p]`: the index just past part `p`.
    private var ends: [Int]

    public init(parts: [[UserSummary]]) {
        self.parts = parts.filter { !$0.isEmpty }
        var total = 0
        ends = self.parts.map { total += $0.count; return total }
    }

    public init(_ users: [UserSummary] = []) { self.init(parts: [users]) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { ends.last ?? 0 }

    public subscript(i: Int) -> UserSummary {
        var p = 0
        while ends[p] <= i { p += 1 }   // a handful of parts: a scan beats a search
        return parts[p][p == 0 ? i : i - ends[p - 1]]
    }

    public static func == (a: UserList, b: UserList) -> Bool { a.elementsEqual(b) }

    /// The first index whose key is not below `key` (the list is in key order).
    public func position(ofKey key: String) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid].key < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The index of the user filed under `key`, if any.
    public func index(ofKey key: String) -> Int? {
        let i = position(ofKey: key)
        return i < count && self[i].key == key ? i : nil
    }
}
