import Foundation

/// The lines headless commands print, built here so they can be tested: one record per line, fields
/// separated by tabs, every field from outside passed through `SafeText` (so an escape sequence cannot
/// reach the terminal and a tab or line break inside a name cannot forge a field or a line).
public enum Listing {
    public static func record(_ fields: [String]) -> String {
        fields.map(SafeText.text).joined(separator: "\t")
    }

    /// `--json` output: JSONEncoder's text with C1, DEL and bidi controls escaped too.
    public static func json<T: Encodable>(_ value: T) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = TimeText.jsonEncoding
        guard let data = try? encoder.encode(value) else { return nil }
        return SafeText.json(String(decoding: data, as: UTF8.self))
    }

    public static func retry(_ scriptId: String, _ item: RetryItem) -> String {
        record([scriptId, item.id, item.operation.rawValue, item.username, "attempts \(item.attempts)",
                "next \(TimeText.iso(item.nextAttemptAt))", item.lastError])
    }

    public static func review(_ scriptId: String, _ item: ReviewItem) -> String {
        record([scriptId, item.id, item.reason.rawValue, "\"\(item.typedName)\"", item.email, item.detail])
    }

    public static func report(_ r: ActionReport) -> String {
        let expiry = r.lifetime ? "lifetime" : (r.expiry.map(day) ?? "-")
        return record([r.result.rawValue, r.operation.rawValue, r.username, expiry, r.detail])
    }

    public static func resync(_ diff: ResyncDiff, applied: Bool) -> [String] {
        var lines: [String] = []
        for u in diff.missingRemote { lines.append(record(["missing-on-tradingview", u.username, u.expiry.map(day) ?? "lifetime"])) }
        for u in diff.unknownLocal { lines.append(record(["unknown-locally", u.username, u.expiry.map(day) ?? "lifetime"])) }
        for m in diff.expiryMismatch {
            lines.append(record(["expiry-mismatch", m.username, "ours \(m.local.map(day) ?? "lifetime")",
                                 "tradingview \(m.remote.map(day) ?? "lifetime")"]))
        }
        lines.append("\(diff.matching) matching, \(diff.missingRemote.count) missing, \(diff.unknownLocal.count) unknown, "
                     + "\(diff.expiryMismatch.count) mismatched\(applied ? " (applied)" : "")")
        return lines
    }

    /// What `store repair` did, for a person: the damage, what was kept, where the rest went, what it held.
    public static func repair(_ r: StoreRepairReport) -> [String] {
        if let damage = r.snapshotDamage {
            return [record(["damaged-snapshot", damage])]
                + r.snapshotQuarantine.map { record(["set-aside", $0]) }
                + [record(["closed", "what the snapshot held is not known: the store stays closed until "
                           + "\(CommandHint.store("rebuild", script: r.scriptId)) starts it again from TradingView's list and the purchases"])]
        }
        let marker = r.rewroteMarker.map { [record(["rewritten", $0, "the unreadable generation marker, from what the files hold"])] } ?? []
        guard let quarantine = r.quarantinePath else {
            return marker + [record(["intact", r.journalPath, "\(r.keptLines) lines, nothing to repair"])]
        }
        var lines = marker + [record(["repaired", r.journalPath, "kept \(r.keptLines) lines",
                             r.damagedLine.map { "line \($0): \(r.damage ?? "damaged")" } ?? "torn final line"]),
                     record(["set-aside", quarantine, "\(r.lost.count) lines no longer in master data"])]
        lines += r.lost.map { record(["lost", $0]) }
        if r.lostProcessed {
            lines.append(record(["closed", "the lines set aside recorded processed purchases: the store stays closed until "
                                 + "\(CommandHint.store("rebuild", script: r.scriptId)) compares TradingView with the purchases"]))
        }
        return lines
    }

    static func day(_ date: Date) -> String { TimeText.day(date) }
}
