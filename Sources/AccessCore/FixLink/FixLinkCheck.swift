import Foundation

/// What checking a link's token found.
public enum FixLinkCheck: Sendable, Hashable {
    case valid(FixLinkToken)
    /// The customer's link does not work; the page says why.
    case refused(FixLinkRefusal)
    /// Links cannot be checked now (the key in the vault cannot be read): our trouble, the link may be fine.
    case unavailable
}

/// Tells the admin, at most once per `every`, that the fix-link key cannot be used, and what to do. Every
/// request for a link would hit the same error; one line per ten minutes is enough to act on.
final class FixLinkKeyTrouble: Sendable {
    let every: TimeInterval
    private let lastReported = Locked<Date?>(nil)

    init(every: TimeInterval = 600) { self.every = every }

    func report(_ error: Error, path: String, events: EventHub, now: Date) {
        let due = lastReported.withLock { lastReported in
            if let last = lastReported, now.timeIntervalSince(last) < every, now >= last { return false }
            lastReported = now
            return true
        }
        guard due else { return }
        let user = ProcessInfo.processInfo.userName
        events.emit(.error, .fixLinkFailed,
                    "fix links cannot be checked, customers see \"try again shortly\": \(error). \(path) must be readable by the "
                    + "user the daemon runs as (\(user)): if a cron sync run as another user made it, `chown \(user) \(path)` "
                    + "(mode 0600), and run every access-console command as that user",
                    fields: ["file": path])
    }
}
