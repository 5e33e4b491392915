import Foundation

/// How a listing command (`queue list`, `review list`) prints its items: a table with a header row for a
/// person at a terminal, one JSON object per line for a pipe or with `--json` (a script reads each line on
/// its own, `jq` takes them as they come, and no field can break a column).
public enum ListingMode: Sendable, Equatable {
    case table, jsonLines

    /// `--json` always means JSON lines; without it a terminal gets the table.
    public static func choose(json: Bool, stdoutIsTerminal: Bool) -> ListingMode {
        json || !stdoutIsTerminal ? .jsonLines : .table
    }
}

/// A listing's rows as one kind of item each with the script it belongs to.
public struct ScriptItem<Item: Encodable & Sendable>: Encodable, Sendable {
    public var scriptId: String
    public var item: Item
    public init(scriptId: String, item: Item) { self.scriptId = scriptId; self.item = item }

    /// The item's own members and `scriptId` beside them, in one object.
    public func encode(to encoder: any Encoder) throws {
        try item.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(scriptId, forKey: .scriptId)
    }
    private enum Key: String, CodingKey { case scriptId }
}

public enum ListingTable {
    /// The header and rows in columns two spaces apart, each field sanitized (`SafeText`) and cut to
    /// `maxWidth` characters; the last column is not padded.
    public static func lines(header: [String], rows: [[String]], maxWidth: Int = 48) -> [String] {
        let cells = ([header] + rows).map { row in row.map { cut(SafeText.text($0), maxWidth) } }
        var widths = [Int](repeating: 0, count: header.count)
        for row in cells { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        return cells.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }

    /// One JSON object per item (`Listing.json`: sorted keys, controls escaped).
    public static func jsonLines<T: Encodable>(_ items: [T]) -> [String] {
        items.compactMap { Listing.json($0) }
    }

    private static func cut(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    public static func retryRows(_ items: [(String, RetryItem)]) -> (header: [String], rows: [[String]]) {
        (["SCRIPT", "ID", "OPERATION", "USER", "ATTEMPTS", "NEXT", "LAST ERROR"],
         items.map { script, item in
             [script, item.id, item.operation.rawValue, item.username, "\(item.attempts)",
              TimeText.iso(item.nextAttemptAt), item.lastError]
         })
    }

    public static func reviewRows(_ items: [(String, ReviewItem)]) -> (header: [String], rows: [[String]]) {
        (["SCRIPT", "ID", "REASON", "TYPED NAME", "EMAIL", "DETAIL"],
         items.map { script, item in [script, item.id, item.reason.rawValue, item.typedName, item.email, item.detail] })
    }
}
