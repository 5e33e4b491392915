import AccessCore
import Foundation

/// Made-up users for the console's benchmark and tests.
public enum SampleUsers {
    /// Deterministic users: a mix of expired, expiring, active and lifetime.
    public static func make(count: Int, now: Date, prefix: String = "user") -> [UserAccess] {
        (0..<count).map { i in
            let expiry: Date? = switch i % 10 {
            case 0: nil
            case 1: now.addingTimeInterval(-Double(i % 30 + 1) * 86_400)
            case 2, 3: now.addingTimeInterval(Double(i % 6 + 1) * 86_400)
            default: now.addingTimeInterval(Double(i % 365 + 8) * 86_400)
            }
            let name = "\(prefix)\(i)"
            return UserAccess(username: name, email: "\(name)@example.com", expiry: expiry,
                              grantedAt: now.addingTimeInterval(-40 * 86_400),
                              history: [HistoryEntry(at: now.addingTimeInterval(-Double(i % 50) * 3600), actor: "sync", action: "grant")])
        }
    }

}
