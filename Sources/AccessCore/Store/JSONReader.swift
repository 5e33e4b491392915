import Foundation

/// Where and why a snapshot could not be read. `offset` is a byte offset into the file.
struct JSONReadError: Error {
    var offset: Int
    var message: String
}

/// A pull parser over UTF-8 bytes, for the snapshot's hot parts (users, processed transactions):
/// no intermediate tree, strings built straight from the buffer.
struct JSONReader {
    /// Deepest nesting of objects and arrays read: the parser recurses per level, so without a limit
    /// a few kilobytes of `[[[[...` from WordPress or a damaged file would overflow the stack.
    /// Nothing the product reads or writes nests more than a dozen levels.
    static let maxDepth = 128

    private let p: UnsafeBufferPointer<UInt8>
    private(set) var pos = 0
    private var depth = 0
    var bytes: UnsafeBufferPointer<UInt8> { p }

    init(_ buffer: UnsafeBufferPointer<UInt8>) { p = buffer }

    /// A reader over the same bytes at `pos`, inside `depth` levels (for a chunk of an object's members).
    init(_ buffer: UnsafeBufferPointer<UInt8>, at pos: Int, depth: Int) {
        p = buffer; self.pos = pos; self.depth = depth
    }

    /// Moves to `offset` (after a chunked read of what lies before it).
    mutating func jump(to offset: Int) { pos = offset }

    /// Consumes the opening `{` or `[` and goes one level deeper, failing past `maxDepth`;
    /// the caller leaves the level with `depth -= 1`.
    private mutating func enter(_ open: UInt8) throws {
        try expect(open)
        guard depth < Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth) levels") }
        depth += 1
    }

    func fail(_ message: String) -> JSONReadError { JSONReadError(offset: pos, message: message) }

    mutating func skipSpace() {
        while pos < p.count {
            switch p[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    mutating func expect(_ c: UInt8) throws {
        skipSpace()
        guard pos < p.count, p[pos] == c else {
            throw fail("expected '\(Character(Unicode.Scalar(c)))'")
        }
        pos += 1
    }

    mutating func atEnd() -> Bool { skipSpace(); return pos == p.count }

    /// The next byte that is not white space, not consumed; nil at the end.
    mutating func peek() -> UInt8? { skipSpace(); return pos < p.count ? p[pos] : nil }

    /// The bytes of `range` as text (for a number `skipValue` spanned).
    func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: p[range]), as: UTF8.self) }

    /// Call with `first = true` after the opening `{` or `[`: true when another member/element follows.
    mutating func more(_ first: inout Bool, close: UInt8) throws -> Bool {
        skipSpace()
        guard pos < p.count else { throw fail("unexpected end of file") }
        if p[pos] == close { pos += 1; return false }
        if first { first = false; return true }
        guard p[pos] == 0x2C else { throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
        pos += 1
        return true
    }

    /// Iterates the members of an object, handing each key to `body`, which must consume the value.
    mutating func object(_ body: (inout JSONReader, String) throws -> Void) throws {
        try enter(0x7B)
        defer { depth -= 1 }
        var first = true
        while try more(&first, close: 0x7D) {
            let key = try string()
            try expect(0x3A)
            try body(&self, key)
        }
    }

    /// Like `object`, but hands over the key's raw bytes (escapes left as they are): for hot objects
    /// whose keys are matched with `Self.is(_:_:)` rather than turned into Strings.
    mutating func rawKeyObject(_ body: (inout JSONReader, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try enter(0x7B)
        defer { depth -= 1 }
        var first = true
        while try more(&first, close: 0x7D) {
            let (start, end, _) = try stringBounds()
            try expect(0x3A)
            try body(&self, UnsafeBufferPointer(rebasing: p[start..<end]))
        }
    }

    static func `is`(_ key: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        key.count == name.utf8CodeUnitCount && memcmp(key.baseAddress!, name.utf8Start, key.count) == 0
    }

    mutating func array(_ body: (inout JSONReader) throws -> Void) throws {
        try enter(0x5B)
        defer { depth -= 1 }
        var first = true
        while try more(&first, close: 0x5D) { try body(&self) }
    }

    /// Consumes `null` when it is next.
    mutating func null() -> Bool {
        skipSpace()
        guard pos + 4 <= p.count, p[pos] == 0x6E, p[pos + 1] == 0x75, p[pos + 2] == 0x6C, p[pos + 3] == 0x6C else { return false }
        pos += 4
        return true
    }

    mutating func bool() throws -> Bool {
        skipSpace()
        if pos + 4 <= p.count, p[pos] == 0x74, p[pos + 1] == 0x72, p[pos + 2] == 0x75, p[pos + 3] == 0x65 { pos += 4; return true }
        if pos + 5 <= p.count, p[pos] == 0x66, p[pos + 1] == 0x61, p[pos + 2] == 0x6C, p[pos + 3] == 0x73, p[pos + 4] == 0x65 { pos += 5; return false }
        throw fail("expected true or false")
    }

    mutating func int() throws -> Int {
        skipSpace()
        let start = pos
        if pos < p.count, p[pos] == 0x2D { pos += 1 }
        var value = 0
        while pos < p.count, p[pos] >= 0x30, p[pos] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(p[pos] - 0x30))
            guard !o1, !o2 else { throw fail("number too large") }
            value = a; pos += 1
        }
        guard pos > start, p[pos - 1] != 0x2D else { throw fail("expected an integer") }
        return p[start] == 0x2D ? -value : value
    }

    mutating func string() throws -> String {
        let (start, end, escaped) = try stringBounds()
        let slice = UnsafeBufferPointer(rebasing: p[start..<end])
        return escaped ? try unescape(slice, at: start) : String(decoding: slice, as: UTF8.self)
    }

    mutating func optionalString() throws -> String? { null() ? nil : try string() }
    mutating func optionalInt() throws -> Int? { null() ? nil : try int() }

    mutating func date() throws -> Date {
        let (start, end, _) = try stringBounds()
        guard let d = SnapshotDate.parse(UnsafeBufferPointer(rebasing: p[start..<end])) else {
            pos = start
            throw fail("expected an ISO-8601 date like 2025-01-31T12:00:00Z")
        }
        return d
    }

    mutating func optionalDate() throws -> Date? { null() ? nil : try date() }

    /// Skips one value of any kind and returns the bytes it spanned.
    @discardableResult
    mutating func skipValue() throws -> Range<Int> {
        skipSpace()
        let start = pos
        guard pos < p.count else { throw fail("unexpected end of file") }
        switch p[pos] {
        case 0x7B: try rawKeyObject { r, _ in try r.skipValue() }   // keys not made into Strings
        case 0x5B: try array { r in try r.skipValue() }
        case 0x22: _ = try stringBounds()
        case 0x74, 0x66: _ = try bool()
        case 0x6E: guard null() else { throw fail("expected a value") }
        default:
            while pos < p.count, "+-.0123456789eE".utf8.contains(p[pos]) { pos += 1 }
            guard pos > start else { throw fail("expected a value") }
        }
        return start..<pos
    }

    /// Byte range of the string's contents (without quotes); consumes the string.
    private mutating func stringBounds() throws -> (Int, Int, Bool) {
        skipSpace()
        guard pos < p.count, p[pos] == 0x22 else { throw fail("expected a string") }
        pos += 1
        let start = pos
        var escaped = false
        let base = UnsafeRawPointer(p.baseAddress!)
        while pos < p.count {
            // Eight bytes at a time past plain text (a snapshot is mostly string bytes), then straight
            // to the first byte that is not: most strings end inside their first eight bytes.
            while pos + 8 <= p.count {
                let special = Self.specialBytes(base.loadUnaligned(fromByteOffset: pos, as: UInt64.self))
                if special == 0 { pos += 8; continue }
                pos += special.trailingZeroBitCount >> 3
                break
            }
            guard pos < p.count else { break }
            let c = p[pos]
            if c == 0x22 { pos += 1; return (start, pos - 1, escaped) }
            if c == 0x5C { escaped = true; pos += 2; continue }
            if c < 0x20 { throw fail("control character in string") }
            pos += 1
        }
        throw fail("unterminated string")
    }

    /// The high bit of each of the eight bytes (loaded little-endian: the first byte lowest) that is a
    /// quote, a backslash or a control character, by the zero-byte and less-than word tricks. A borrow
    /// can mark a byte above a marked one, never below: the lowest mark is always the first such byte.
    static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        return zeroBytes(w ^ (ones &* 0x22)) | zeroBytes(w ^ (ones &* 0x5C)) | ((w &- ones &* 0x20) & ~w & highs)
    }

    private func unescape(_ s: UnsafeBufferPointer<UInt8>, at offset: Int) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        var pendingHigh: UInt32?
        func bad() -> JSONReadError { JSONReadError(offset: offset + i, message: "bad escape in string") }
        while i < s.count {
            let c = s[i]
            guard c == 0x5C else { out.append(c); i += 1; continue }
            guard i + 1 < s.count else { throw bad() }
            let e = s[i + 1]
            i += 2
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard i + 4 <= s.count, let v = UInt32(String(decoding: UnsafeBufferPointer(rebasing: s[i..<(i + 4)]), as: UTF8.self), radix: 16) else { throw bad() }
                i += 4
                var scalar: Unicode.Scalar?
                if (0xD800...0xDBFF).contains(v) { pendingHigh = v; continue }
                if (0xDC00...0xDFFF).contains(v), let high = pendingHigh {
                    scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (v - 0xDC00))
                } else {
                    scalar = Unicode.Scalar(v)
                }
                pendingHigh = nil
                out.append(contentsOf: Array(String(scalar ?? "\u{FFFD}").utf8))
            default: throw bad()
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
