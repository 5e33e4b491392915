import Foundation

/// What is known about the TradingView session, without the cookies themselves. Stored beside the vault
/// (`session-status.json`) so a CLI run, a daemon and the console all see the last check.
public struct SessionStatus: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable { case valid, stale, unknown, missing }
    public var state: State
    public var lastCheck: Date?
    public var lastResult: String?
    public var account: String?
    public var cookiesSavedAt: Date?

    public init(state: State, lastCheck: Date? = nil, lastResult: String? = nil, account: String? = nil, cookiesSavedAt: Date? = nil) {
        self.state = state; self.lastCheck = lastCheck; self.lastResult = lastResult
        self.account = account; self.cookiesSavedAt = cookiesSavedAt
    }

    /// Whether writes can go out with this session: the one answer readiness, metrics, alerts and the
    /// console use. Cookies saved and not refused (`unknown` = not tested since the process started) are
    /// usable; a stale session, no cookies, or a vault that cannot be opened are not.
    public var isUsable: Bool {
        switch state {
        case .valid, .unknown: return true
        case .stale, .missing: return false
        }
    }

    /// One line for a person: state, account, when the cookies were saved and checked, the last result.
    public var line: String {
        var parts = ["session \(state.rawValue)"]
        if let account { parts.append("account \(account)") }
        if let cookiesSavedAt { parts.append("cookies saved \(TimeText.iso(cookiesSavedAt))") }
        if let lastCheck { parts.append("last check \(TimeText.iso(lastCheck))") }
        if let lastResult { parts.append(lastResult) }
        return parts.joined(separator: "; ")
    }
}

public enum SessionError: Error, Sendable, Hashable, CustomStringConvertible {
    case rejected(String)
    case emptyCookie(String)
    case vault(String)
    public var description: String {
        switch self {
        case .rejected(let d): return "the cookies were not saved: TradingView did not accept them (\(d))"
        case .emptyCookie(let name): return "\(name) is empty: paste the value of the \(name) cookie from a logged-in browser"
        case .vault(let d): return d
        }
    }
}
