import AccessCore
import Foundation

/// What a grant or extend will do to one user, computed with the core's own purchase rule
/// (`AccessState.applying`: a grant never takes days away, an extend stacks), so the dialog shows
/// `current -> new` before anything is written.
public struct ExpiryPreview: Sendable, Equatable {
    public var username: String
    public var current: AccessState
    public var result: AccessState

    public init(username: String, current: AccessState, term: AccessTerm, extending: Bool, now: Date) {
        self.username = username
        self.current = current
        result = current.applying(term, stacking: extending, now: now)
    }

    /// `Alice  2025-07-15 -> 2025-08-15`, `NewUser  none -> 2025-07-15`.
    public func line(nameWidth: Int) -> String {
        let change = current == result ? "  (no change)" : ""
        return Text.fit(username, width: nameWidth) + "  " + Self.label(current) + " -> " + Self.label(result) + change
    }

    public static func label(_ state: AccessState) -> String {
        switch state {
        case .none: return "none"
        case .lifetime: return "lifetime"
        case .until(let d): return Formats.day(d)
        }
    }

    /// One line per user, names padded to a common width (at most 20 columns).
    public static func lines(_ previews: [ExpiryPreview]) -> [String] {
        let width = min(20, previews.map { CharWidth.of($0.username) }.max() ?? 0)
        return previews.map { $0.line(nameWidth: width) }
    }
}

extension UsersTable {
    /// What master data holds for `username` in the shown script: found by key, no scan.
    public func accessState(of username: String) -> AccessState {
        guard let row = index.row(key: Username.key(username)) else { return .none }
        return index.users[Int(row)].expiry.map { .until($0) } ?? .lifetime
    }
}
