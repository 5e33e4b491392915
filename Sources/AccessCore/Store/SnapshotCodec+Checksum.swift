import Foundation

/// The snapshot's checksum: the last member, `"crc": "xxxxxxxx"` (CRC-32, 8 lowercase hex digits, as on a
/// journal line), covering every byte before the `,` that opens it. A changed digit or a deleted user line
/// is then found at load, where before it was master data like any other. Snapshots written before it (no
/// `crc` member) still load; the next compaction writes one.
extension SnapshotCodec {
    enum Checksum: Equatable {
        case valid
        /// Written before snapshots had checksums.
        case absent
        case mismatch
    }

    /// `,\n  "crc": "` + 8 hex digits + `"\n}`.
    private static let checksumPrefix = Array(",\n  \"crc\": \"".utf8)
    private static let checksumSuffix = Array("\"\n}".utf8)
    static var checksumMemberLength: Int { checksumPrefix.count + 8 + checksumSuffix.count }

    /// Ends `w` (the snapshot up to its users object) with the checksum member and the closing brace.
    static func seal(_ w: inout JSONWriter) {
        let crc = String(w.bytes.withUnsafeBytes { checksum(of: $0) }, radix: 16)
        w.bytes.append(contentsOf: checksumPrefix)
        w.bytes.append(contentsOf: (String(repeating: "0", count: 8 - crc.count) + crc).utf8)
        w.bytes.append(contentsOf: checksumSuffix)
        w.raw("\n")
    }

    /// Whether the snapshot ends with a checksum member (blank space after the brace allowed), and whether
    /// it matches the bytes before it. A `crc` member anywhere else is found by the reader (`decode`).
    static func checksum(_ data: UnsafeBufferPointer<UInt8>) -> Checksum {
        var end = data.count
        while end > 0, [0x20, 0x0A, 0x0D, 0x09].contains(data[end - 1]) { end -= 1 }
        let start = end - checksumMemberLength
        guard start >= 0,
              data[start..<(start + checksumPrefix.count)].elementsEqual(checksumPrefix),
              data[(end - checksumSuffix.count)..<end].elementsEqual(checksumSuffix) else { return .absent }
        let hex = String(decoding: UnsafeBufferPointer(rebasing: data[(start + checksumPrefix.count)..<(end - checksumSuffix.count)]), as: UTF8.self)
        guard hex.count == 8, let stored = UInt32(hex, radix: 16) else { return .mismatch }
        return checksum(of: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(data)[0..<start])) == stored ? .valid : .mismatch
    }

    /// CRC-32 of `bytes`; a big snapshot in parts side by side, joined (the same value either way).
    static func checksum(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        let cores = min(ProcessInfo.processInfo.activeProcessorCount, 4)
        guard cores > 1, bytes.count >= chunkedUsersBytes else { return CRC32.checksum(bytes) }
        let size = (bytes.count + cores - 1) / cores
        let shared = SharedRawBytes(buffer: bytes)
        let parts = Locked([UInt32](repeating: 0, count: cores))
        DispatchQueue.concurrentPerform(iterations: cores) { k in
            let lower = min(k * size, shared.buffer.count), upper = min(lower + size, shared.buffer.count)
            let crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: shared.buffer[lower..<upper]))
            parts.withLock { $0[k] = crc }
        }
        let crcs = parts.withLock { $0 }
        var crc = crcs[0]
        for k in 1..<cores {
            let lower = min(k * size, bytes.count), upper = min(lower + size, bytes.count)
            crc = CRC32.combine(crc, crcs[k], lengthOfB: upper - lower)
        }
        return crc
    }

    /// The snapshot's bytes, read-only and outliving every part's reader.
    // unchecked: a pointer to bytes nobody writes while the part readers run; the owner outlives them.
    private struct SharedRawBytes: @unchecked Sendable { let buffer: UnsafeRawBufferPointer }
}

/// A snapshot whose checksum does not match its bytes: changed after it was written.
struct SnapshotChecksumError: Error {
    var detail: String
}
