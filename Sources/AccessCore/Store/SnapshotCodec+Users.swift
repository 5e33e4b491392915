import Foundation

extension SnapshotCodec {
    /// A users object smaller than this is read in one go: splitting pays off from a few megabytes
    /// (100k users are 50 MB).
    static let chunkedUsersBytes = 4 << 20

    /// The users object next in `r`, for a sync or a `ScriptAccess` reader.
    static func readUsers(_ r: inout JSONReader, newestHistoryOnly: Bool) throws -> [String: UserAccess] {
        var parts = try readMembers(&r) { r, key in (key, try readUser(&r, newestHistoryOnly: newestHistoryOnly)) }
        return dictionary(moving: &parts)
    }

    /// The users object next in `r` as summaries, in file order (for the console).
    static func readUserSummaries(_ r: inout JSONReader) throws -> UserList {
        UserList(parts: try readMembers(&r) { r, key in try readUserSummary(&r, key: key) })
    }

    /// The members of the object next in `r`, each read by `read`, in file order, in parts: read in
    /// chunks side by side when the object is big and cuts cleanly at member lines, else in one go
    /// (one part). When any chunk fails the object is read again in one go, which names the damage
    /// with its exact place, so chunking never changes what a file means or how an error reads.
    static func readMembers<T: Sendable>(_ r: inout JSONReader, _ read: @escaping @Sendable (inout JSONReader, String) throws -> T) throws -> [[T]] {
        if let parts = readMembersInChunks(&r, read) { return parts }
        var entries: [T] = []
        try r.object { r, key in entries.append(try read(&r, key)) }
        return [entries]
    }

    /// nil (and `r` untouched) when the object is small, cannot be cut, or a chunk does not read.
    static func readMembersInChunks<T: Sendable>(_ r: inout JSONReader, _ read: @escaping @Sendable (inout JSONReader, String) throws -> T) -> [[T]]? {
        var probe = r
        guard probe.peek() == 0x7B else { return nil }
        let bytes = probe.bytes, open = probe.pos, total = bytes.count - open
        let cores = min(ProcessInfo.processInfo.activeProcessorCount, 4)
        guard cores > 1, total >= chunkedUsersBytes else { return nil }
        var starts = [open + 1]
        for k in 1..<cores {
            let from = max(open + total * k / cores, starts[starts.count - 1] + 1)
            guard let s = probe.memberStart(after: from, before: bytes.count) else { break }
            starts.append(s)
        }
        guard starts.count > 1 else { return nil }
        let shared = SharedBytes(buffer: bytes), cuts = starts
        let results = Locked([Result<(entries: [T], end: Int), any Error>?](repeating: nil, count: starts.count))
        DispatchQueue.concurrentPerform(iterations: starts.count) { k in
            let result = Result { () throws -> (entries: [T], end: Int) in
                // Two levels deep: inside the snapshot's object and its users object.
                var reader = JSONReader(shared.buffer, at: cuts[k], depth: 2)
                var entries: [T] = []
                entries.reserveCapacity(total / cuts.count / 300)   // a user line is 300-500 bytes
                let end = try reader.members(stoppingAt: k + 1 < cuts.count ? cuts[k + 1] : nil) { r, key in
                    entries.append(try read(&r, key))
                }
                return (entries, end)
            }
            results.withLock { $0[k] = result }
        }
        // Taken out of the lock (and each result dropped once read), so every part is this code's alone
        // and the caller moves its entries instead of copying them.
        var outcomes = results.withLock { r in defer { r = [] }; return r }
        var parts: [[T]] = []
        var end = open
        for i in outcomes.indices {
            guard case .success(let chunk)? = outcomes[i] else { return nil }
            outcomes[i] = nil
            parts.append(chunk.entries)
            end = chunk.end
        }
        r.jump(to: end)
        return parts
    }

    /// The snapshot's bytes, handed to the chunk readers: read-only, and they outlive every reader.
    // unchecked: a pointer to bytes nobody writes while the chunk readers run; the owner outlives them.
    private struct SharedBytes: @unchecked Sendable { let buffer: UnsafeBufferPointer<UInt8> }

    /// One dictionary of the parts' entries in order: a later duplicate wins, as it did when the file
    /// was read key by key. The entries are moved out (reversed in place, then popped), not copied:
    /// at 100k users the copies and their releases cost more than the inserts.
    private static func dictionary(moving parts: inout [[(String, UserAccess)]]) -> [String: UserAccess] {
        var users: [String: UserAccess] = [:]
        users.reserveCapacity(parts.reduce(0) { $0 + $1.count })  // one allocation instead of a dozen rehashes
        for i in parts.indices {
            parts[i].reverse()
            while let (key, user) = parts[i].popLast() { users[key] = user }
        }
        return users
    }
}
