import Foundation

/// Days left until an expiry as a person reads them off the dates shown (UTC, as the core stores
/// them): the expiry's day minus today's. 0 = it ends today; negative once past. The console's Days
/// column and `export`'s days_left both use it, so they never disagree.
public enum DaysLeft {
    public static func until(_ expiry: Date, now: Date) -> Int {
        func day(_ d: Date) -> Int { Int((d.timeIntervalSince1970 / 86_400).rounded(.down)) }
        return day(expiry) - day(now)
    }
}
