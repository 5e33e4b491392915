/// CRC-32 (the zlib/PNG polynomial), for the journal's per-line checksum and the snapshot's whole-file one:
/// it catches a changed byte or a cut, which is all they need (it guards against damage, not against someone
/// forging a file). Eight bytes a step (slicing-by-8), and parts of a big buffer side by side joined with
/// `combine`: a 50 MB snapshot is checked at every load, so the byte-at-a-time loop would cost the console's
/// first frame a good part of its budget.
enum CRC32 {
    private static let polynomial: UInt32 = 0xEDB8_8320

    /// `tables[k][n]`: the CRC of byte n followed by k zero bytes (tables[0] is the classic table).
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? polynomial ^ (c >> 1) : c >> 1 }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let prev = t[(k - 1) * 256 + n]
                t[k * 256 + n] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return t
    }()

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        if let fast = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) { return fast }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0, bytes)
    }

    /// The CRC of the bytes `crc` covered followed by `bytes`.
    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = ~crc
        guard let base = bytes.baseAddress else { return crc }
        tables.withUnsafeBufferPointer { t in
            var i = 0
            let n = bytes.count
            while n - i >= 8 {
                let one = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ c
                let two = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                c = t[7 * 256 + Int(one & 0xFF)] ^ t[6 * 256 + Int((one >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((one >> 16) & 0xFF)] ^ t[4 * 256 + Int(one >> 24)]
                    ^ t[3 * 256 + Int(two & 0xFF)] ^ t[2 * 256 + Int((two >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((two >> 16) & 0xFF)] ^ t[Int(two >> 24)]
                i += 8
            }
            while i < n {
                c = t[Int((c ^ UInt32(base.load(fromByteOffset: i, as: UInt8.self))) & 0xFF)] ^ (c >> 8)
                i += 1
            }
        }
        return ~c
    }

    /// The CRC of A followed by B, from A's CRC, B's CRC and B's length (zlib's `crc32_combine`).
    static func combine(_ a: UInt32, _ b: UInt32, lengthOfB: Int) -> UInt32 {
        multiply(xPower8n(lengthOfB), a) ^ b
    }

    /// a(x) * b(x) modulo the polynomial, bit-reflected as the CRC is.
    private static func multiply(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var m: UInt32 = 1 << 31, p: UInt32 = 0, b = b
        while true {
            if a & m != 0 {
                p ^= b
                if a & (m - 1) == 0 { break }
            }
            m >>= 1
            b = b & 1 != 0 ? (b >> 1) ^ polynomial : b >> 1
        }
        return p
    }

    /// x^(8 * n) modulo the polynomial: what n zero bytes do to a CRC.
    private static func xPower8n(_ n: Int) -> UInt32 {
        var p: UInt32 = 1 << 31   // x^0
        var k = 3, n = n          // x^(2^3) = x^8: one byte
        while n > 0 {
            if n & 1 != 0 { p = multiply(xPower2(k), p) }
            n >>= 1; k += 1
        }
        return p
    }

    /// x^(2^k) modulo the polynomial (k < 32 repeats with period 32 past it, as zlib's table does).
    private static let powers: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 32)
        var p: UInt32 = 1 << 30   // x^1
        t[0] = p
        for k in 1..<32 { p = multiply(p, p); t[k] = p }
        return t
    }()

    private static func xPower2(_ k: Int) -> UInt32 { powers[k & 31] }
}
