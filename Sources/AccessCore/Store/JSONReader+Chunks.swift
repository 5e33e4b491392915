import Foundation

/// Reading one big object's members side by side: each reader takes a chunk that starts at a member
/// (found by `memberStart(after:)`) and stops where the next chunk starts.
extension JSONReader {
    /// Reads members until the object's `}` (consumed; returns the position after it) or, when `stop`
    /// is given, until the next member starts exactly at `stop` (returns `stop`). Anything else (the
    /// object ending early, a member running across `stop`) throws: the chunk was not cut at a member.
    mutating func members(stoppingAt stop: Int?, _ body: (inout JSONReader, String) throws -> Void) throws -> Int {
        while true {
            let key = try string()
            try expect(0x3A)
            try body(&self, key)
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end of file") }
            if bytes[pos] == 0x7D {
                guard stop == nil else { throw fail("object ended inside a chunk") }
                jump(to: pos + 1)
                return pos
            }
            try expect(0x2C)
            skipSpace()
            if let stop {
                if pos == stop { return stop }
                guard pos < stop else { throw fail("member runs across a chunk boundary") }
            }
        }
    }

    /// The start of a member line at or after `offset`: a `"` that follows a newline (and indentation)
    /// right after a `,`. In a snapshot (one user per line) that is always a member of the users
    /// object; in a hand-formatted file it may not be, and reading the chunk then fails.
    func memberStart(after offset: Int, before end: Int) -> Int? {
        var i = offset
        while i < end {
            guard bytes[i] == 0x0A else { i += 1; continue }
            var back = i - 1
            while back > offset, bytes[back] == 0x20 || bytes[back] == 0x0D || bytes[back] == 0x09 { back -= 1 }
            var next = i + 1
            while next < end, bytes[next] == 0x20 || bytes[next] == 0x09 { next += 1 }
            if back >= 0, bytes[back] == 0x2C, next < end, bytes[next] == 0x22 { return next }
            i = next
        }
        return nil
    }
}
