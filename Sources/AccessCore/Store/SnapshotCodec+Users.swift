import Foundation
import Synchronization

extension SnapshotCodec {
    /// A users object smaller than this is read in one go: splitting pays off from a few megabytes
    /// (100k users are 50 MB).
    static let chunkedUsersBytes = 4 << 20

    /// The users object next in `r`: read in chunks side by side when it is big and cuts cleanly at
    /// user lines, else in one go. When any chunk fails it is read again in one go, which names the
    /// damage with its exact place, so chunking never changes what a file means or how an error reads.
    static func readUsers(_ r: inout JSONReader, newestHistoryOnly: Bool) throws -> [String: UserAccess] {
        if let users = readUsersInChunks(&r, newestHistoryOnly: newestHistoryOnly) { return users }
        var entries: [(String, UserAccess)] = []
        try r.object { r, key in entries.append((key, try readUser(&r, newestHistoryOnly: newestHistoryOnly))) }
        return dictionary(entries)
    }

    /// nil (and `r` untouched) when the object is small, cannot be cut, or a chunk does not read.
    private static func readUsersInChunks(_ r: inout JSONReader, newestHistoryOnly: Bool) -> [String: UserAccess]? {
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
        typealias Chunk = (users: [String: UserAccess], end: Int)
        let shared = SharedBytes(buffer: bytes), cuts = starts
        let results = Mutex([Result<Chunk, any Error>?](repeating: nil, count: starts.count))
        DispatchQueue.concurrentPerform(iterations: starts.count) { k in
            let result = Result { () throws -> Chunk in
                // Two levels deep: inside the snapshot's object and its users object.
                var reader = JSONReader(shared.buffer, at: cuts[k], depth: 2)
                var users: [String: UserAccess] = [:]
                users.reserveCapacity(total / cuts.count / 300)   // a user line is 300-500 bytes
                let end = try reader.members(stoppingAt: k + 1 < cuts.count ? cuts[k + 1] : nil) { r, key in
                    users[key] = try readUser(&r, newestHistoryOnly: newestHistoryOnly)
                }
                return (users, end)
            }
            results.withLock { $0[k] = result }
        }
        var chunks: [Chunk] = []
        for result in results.withLock({ $0 }) {
            guard case .success(let chunk)? = result else { return nil }
            chunks.append(chunk)
        }
        r.jump(to: chunks[chunks.count - 1].end)
        // Each chunk made its own dictionary side by side; later chunks win, as later lines do.
        var users = chunks[0].users
        users.reserveCapacity(chunks.reduce(0) { $0 + $1.users.count })
        for chunk in chunks.dropFirst() { users.merge(chunk.users) { _, later in later } }
        return users
    }

    /// The snapshot's bytes, handed to the chunk readers: read-only, and they outlive every reader.
    private struct SharedBytes: @unchecked Sendable { let buffer: UnsafeBufferPointer<UInt8> }

    /// Later duplicates win, as they did when the file was read key by key.
    private static func dictionary(_ entries: [(String, UserAccess)]) -> [String: UserAccess] {
        var users: [String: UserAccess] = [:]
        users.reserveCapacity(entries.count)  // one allocation instead of a dozen rehashes
        for (key, user) in entries { users[key] = user }
        return users
    }
}
