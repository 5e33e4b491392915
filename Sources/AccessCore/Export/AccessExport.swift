import Foundation

/// `export`: every user of the chosen scripts as rows a spreadsheet opens cleanly: UTF-8, RFC 4180
/// quoting, no control characters from outside, and no cell that a spreadsheet would run as a formula.
public enum AccessExport {
    public struct Row: Sendable, Codable, Equatable {
        public var scriptId: String
        public var script: String
        public var username: String
        public var email: String
        /// ISO-8601; empty = lifetime.
        public var expiry: String
        /// Days from today to the expiry's day, UTC (`DaysLeft`; negative once lapsed); nil = lifetime.
        public var daysLeft: Int?
        /// `active`, `expired` or `lifetime`.
        public var status: String
        /// The newest history entry: action and when, e.g. `extend 2026-11-30T10:00:00Z`.
        public var lastAction: String
    }

    public static func rows(_ scripts: [ScriptAccess], now: Date) -> [Row] {
        scripts.flatMap { s in
            s.users.values.sorted { $0.username.lowercased() < $1.username.lowercased() }.map { u in
                let days = u.expiry.map { DaysLeft.until($0, now: now) }
                let last = u.history.last   // appended in order: the newest is last
                return Row(scriptId: s.scriptId, script: clean(s.title ?? s.scriptId), username: clean(u.username),
                           email: clean(u.email ?? ""), expiry: u.expiry.map(ISODate.format) ?? "", daysLeft: days,
                           status: u.expiry == nil ? "lifetime" : (u.expiry! > now ? "active" : "expired"),
                           lastAction: last.map { clean($0.action) + " " + ISODate.format($0.at) } ?? "")
            }
        }
    }

    public static let csvHeader = ["script_id", "script", "username", "email", "expiry", "days_left", "status", "last_action"]

    public static func csv(_ rows: [Row]) -> String {
        var lines = [csvHeader.joined(separator: ",")]
        for r in rows {
            let text = [r.scriptId, r.script, r.username, r.email, r.expiry].map { AccessSheet.quoted(defused($0)) }
            let rest = [r.daysLeft.map(String.init) ?? "", r.status, AccessSheet.quoted(defused(r.lastAction))]
            lines.append((text + rest).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A text cell a spreadsheet would take for a formula (= + - @, or a tab or CR first) gets a leading '.
    public static func defused(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        return "'" + cell
    }

    /// Text from outside (TradingView, WordPress) without control characters.
    static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
    }
}
