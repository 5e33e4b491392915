import CSV
import Foundation

/// The vendor's sheet of who has access: an RFC 4180 CSV whose header holds at least `script_id`,
/// `username` and `expiration` (ISO-8601, empty = lifetime). Every other column, and the order of all
/// columns and rows, is kept; batch-grant only appends rows and sets expirations.
public struct AccessSheet: Sendable, Hashable {
    public var header: [String]
    public var rows: [[String]]
    /// Written back as read: a UTF-8 byte order mark, and CRLF or LF line ends.
    public var byteOrderMark: Bool
    public var lineEnding: String
    public let scriptColumn: Int, userColumn: Int, expiryColumn: Int
    public let emailColumn: Int?

    static let required = ["script_id", "username", "expiration"]

    /// Reads and checks the whole sheet; throws `InputFileError` naming the row and column of the first problem.
    public static func parse(_ data: Data, file: String) throws -> AccessSheet {
        func fail(_ row: Int?, _ column: Int?, _ message: String) -> InputFileError {
            InputFileError(file: file, row: row, column: column, message)
        }
        var bytes = [UInt8](data)
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if bom { bytes.removeFirst(3) }
        if let bad = firstInvalidUTF8(bytes) {
            throw fail(bytes[..<bad].filter { $0 == 0x0A }.count + 1, nil, "not UTF-8 (byte \(bad + (bom ? 4 : 1)))")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if let p = CSVQuoteCheck.check(text) { throw fail(p.row, p.column, p.message) }

        let reader = try CSVReader(string: text, hasHeaderRow: false)
        var records: [[String]] = []
        while let record = reader.next() { records.append(record) }
        if let error = reader.error { throw fail(records.count + 1, nil, "unreadable: \(error)") }
        while records.count > 1, records.last == [""] { records.removeLast() }   // blank lines at the end
        guard let header = records.first, header != [""] else { throw fail(1, nil, "no header row") }

        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var columns: [Int] = []
        for name in required {
            let found = names.indices.filter { names[$0] == name }
            guard let first = found.first else {
                throw fail(1, nil, "the header has no \(name) column (it needs \(required.joined(separator: ", ")))")
            }
            guard found.count == 1 else { throw fail(1, found[1] + 1, "a second \(name) column") }
            columns.append(first)
        }
        let sheet = AccessSheet(header: header, rows: Array(records.dropFirst()), byteOrderMark: bom,
                                lineEnding: text.contains("\r\n") ? "\r\n" : "\n",
                                scriptColumn: columns[0], userColumn: columns[1], expiryColumn: columns[2],
                                emailColumn: names.firstIndex(of: "email"))
        for (i, row) in sheet.rows.enumerated() { try sheet.check(row, number: i + 2, fail: fail) }
        return sheet
    }

    private func check(_ row: [String], number: Int, fail: (Int?, Int?, String) -> InputFileError) throws {
        guard row.count == header.count else {
            throw fail(number, min(row.count, header.count) + 1,
                       "\(row.count) field\(row.count == 1 ? "" : "s") where the header has \(header.count)")
        }
        if row[scriptColumn].trimmingCharacters(in: .whitespaces).isEmpty { throw fail(number, scriptColumn + 1, "empty script_id") }
        if row[userColumn].trimmingCharacters(in: .whitespaces).isEmpty { throw fail(number, userColumn + 1, "empty username") }
        let expiry = row[expiryColumn]
        if !expiry.trimmingCharacters(in: .whitespaces).isEmpty, Self.parseDate(expiry) == nil {
            throw fail(number, expiryColumn + 1, "expiration \"\(expiry.prefix(40))\" is not an ISO-8601 date")
        }
    }

    /// The byte offset of the first byte that is not valid UTF-8, if any.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let s): offset += s.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    // MARK: dates

    /// `2026-01-31`, `2026-01-31T12:00:00Z`, with fractional seconds or an offset; trimmed.
    public static func parseDate(_ text: String) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.count >= 10, t.prefix(10).enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 ? $0.element == "-" : $0.element.isASCII && $0.element.isNumber }) else { return nil }
        // Days that do not exist (2027-13-45) are refused, not rolled over.
        return TimeText.parseISO(t)
    }

    public static func format(_ expiry: Date?) -> String {
        expiry.map(TimeText.iso) ?? ""
    }

    // MARK: rows

    /// `script_id` + name key -> the first row holding that user of that script.
    public func index() -> [String: Int] {
        var out: [String: Int] = [:]
        for (i, row) in rows.enumerated() {
            let k = Self.key(script: row[scriptColumn], user: row[userColumn])
            if out[k] == nil { out[k] = i }
        }
        return out
    }

    static func key(script: String, user: String) -> String {
        let name = Username.normalize(user) ?? user.trimmingCharacters(in: .whitespaces)
        return script.trimmingCharacters(in: .whitespaces) + "\n" + Username.key(name)
    }

    /// The expiry a row states (nil = lifetime).
    public func expiry(ofRow i: Int) -> Date? { Self.parseDate(rows[i][expiryColumn]) }

    /// A new row: the three columns (and `email` when the sheet has one) filled, the rest empty.
    public mutating func append(script: String, user: String, expiry: Date?, email: String?) {
        var row = Array(repeating: "", count: header.count)
        row[scriptColumn] = script; row[userColumn] = user; row[expiryColumn] = Self.format(expiry)
        if let c = emailColumn { row[c] = email ?? "" }
        rows.append(row)
    }

    // MARK: writing

    /// The sheet as bytes: fields quoted when they hold a comma, quote or line break.
    public func rendered() -> [UInt8] {
        var out = byteOrderMark ? "\u{FEFF}" : ""
        for row in [header] + rows {
            out += row.map(Self.quoted).joined(separator: ",") + lineEnding
        }
        return Array(out.utf8)
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Replaces the file atomically: temp file, fsync, rename, fsync of the folder.
    public func write(to path: String) throws {
        try DurableFile.replace(path, with: rendered())
    }
}
