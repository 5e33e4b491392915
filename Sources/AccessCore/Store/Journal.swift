import Foundation

/// One journal line: the changes of one commit, applied all or none. `seq` increases by one per commit;
/// the snapshot records the last `seq` it contains, so lines it already holds are skipped on replay
/// (a crash between snapshot rename and journal truncation must not append history twice).
struct JournalLine: Codable {
    var seq: Int
    var changes: [AccessChange]
}

/// Reads `{scriptId}.journal`: JSON lines, the last of which may be torn by a crash mid-write.
enum JournalReader {
    struct Contents {
        var lines: [JournalLine]
        /// Byte length of the intact lines; anything beyond it is a torn tail to truncate away.
        var intactLength: Int
    }

    /// A line that does not decode is torn when only blank space follows it, and corrupt otherwise.
    static func read(_ bytes: [UInt8], path: String, decoder: JSONDecoder) throws -> Contents {
        var lines: [JournalLine] = []
        var start = 0
        var lineNumber = 0
        while start < bytes.count {
            lineNumber += 1
            let newline = bytes[start...].firstIndex(of: 0x0A)
            let end = newline ?? bytes.count
            let slice = bytes[start..<end]
            let next = newline.map { $0 + 1 } ?? bytes.count
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) && newline != nil { start = next; continue }
            do {
                guard newline != nil else { throw JSONReadError(offset: 0, message: "line has no end") }
                lines.append(try slice.withUnsafeBufferPointer { try JournalCodec.decode($0, decoder: decoder) })
            } catch {
                let onlyBlankAfter = bytes[next...].allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0 }
                if onlyBlankAfter { return Contents(lines: lines, intactLength: start) }
                let detail = (error as? JSONReadError)?.message ?? StoreJSON.describe(error)
                throw StoreError.corrupt(path: path, detail: "line \(lineNumber): \(detail)")
            }
            start = next
        }
        return Contents(lines: lines, intactLength: bytes.count)
    }
}
