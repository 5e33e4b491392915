import Foundation

/// One journal line: the changes of one commit, applied all or none. `seq` increases by one per commit;
/// the snapshot records the last `seq` it contains, so lines it already holds are skipped on replay
/// (a crash between snapshot rename and journal truncation must not append history twice).
struct JournalLine: Codable {
    var seq: Int
    var changes: [AccessChange]
}

/// Reads `{scriptId}.journal`: JSON lines, each with a checksum (see `JournalCodec`), seq rising by one.
/// Only a torn final line (no line end: a write cut short by a crash or a full disk) is dropped; any
/// other damage (a changed byte, a missing, swapped or cut line in the middle) is reported with its
/// line number and stops the load, because replaying around it would silently lose or reorder changes.
enum JournalReader {
    struct Contents {
        var lines: [JournalLine]
        /// Byte length of the intact lines; anything beyond it is a torn tail to truncate away.
        var intactLength: Int
        /// Bytes after the last line end: a torn final line.
        var tornBytes: Int = 0
    }

    /// The first damaged line: its number (1-based), where it starts, and what is wrong.
    struct Damage: Error, Equatable {
        var line: Int
        var offset: Int
        var message: String
    }

    /// `snapshotSequence`: the last seq the snapshot holds; the journal may repeat lines up to it (a crash
    /// between a compaction's rename and its truncation) but must continue right after it.
    static func read(_ bytes: [UInt8], path: String, snapshotSequence: Int, decoder: JSONDecoder) throws -> Contents {
        let (contents, damage) = scan(bytes, snapshotSequence: snapshotSequence, decoder: decoder)
        if let damage { throw StoreError.corrupt(path: path, detail: "line \(damage.line): \(damage.message)") }
        return contents
    }

    /// The intact lines up to the first damage, and that damage (nil when there is none).
    static func scan(_ bytes: [UInt8], snapshotSequence: Int, decoder: JSONDecoder) -> (Contents, Damage?) {
        var lines: [JournalLine] = []
        var start = 0
        var lineNumber = 0
        var checked = false
        var previous: Int?
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0D || b == 0x09 }
        while start < bytes.count {
            lineNumber += 1
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                return (Contents(lines: lines, intactLength: start, tornBytes: bytes.count - start), nil)
            }
            let slice = bytes[start..<newline]
            if slice.allSatisfy(isBlank) { start = newline + 1; continue }
            func damage(_ message: String) -> (Contents, Damage?) {
                (Contents(lines: lines, intactLength: start), Damage(line: lineNumber, offset: start, message: message))
            }
            let line: JournalLine
            do {
                line = try slice.withUnsafeBufferPointer { text in
                    switch JournalCodec.checksum(of: text) {
                    case .mismatch: throw JSONReadError(offset: 0, message: "checksum mismatch: the line was changed or damaged")
                    case .absent where checked: throw JSONReadError(offset: 0, message: "no checksum after lines that have one")
                    case .valid: checked = true
                    case .absent: break
                    }
                    return try JournalCodec.decode(text, decoder: decoder)
                }
            } catch {
                return damage((error as? JSONReadError)?.message ?? StoreJSON.describe(error))
            }
            if let previous, line.seq != previous + 1 {
                return damage("seq \(line.seq) follows seq \(previous): lines are missing or out of order")
            }
            if previous == nil, line.seq > snapshotSequence + 1 {
                return damage("starts at seq \(line.seq) but the snapshot ends at seq \(snapshotSequence): the changes between are lost")
            }
            previous = line.seq
            lines.append(line)
            start = newline + 1
        }
        return (Contents(lines: lines, intactLength: bytes.count), nil)
    }
}
