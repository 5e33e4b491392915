/// The six panes, in Tab order; the raw value is the digit that focuses it.
public enum Pane: Int, CaseIterable, Sendable, Hashable {
    case scripts = 1, users, review, retry, session, log

    public var title: String {
        switch self {
        case .scripts: return "Scripts"
        case .users: return "Users"
        case .review: return "Review"
        case .retry: return "Retry"
        case .session: return "Session"
        case .log: return "Log"
        }
    }

    public var next: Pane { Pane(rawValue: rawValue % 6 + 1)! }
    public var previous: Pane { Pane(rawValue: (rawValue + 4) % 6 + 1)! }
}
