import Foundation

/// Conditions a person must act on, each handled as an episode: one message when it starts, a reminder
/// every `remind` while it lasts, one when it ends. Pure: the caller observes, this decides.
public struct AlertMonitor: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case sessionStale = "session_stale", failedRuns = "failed_runs", reviewStale = "review_stale"
        /// Writes TradingView answered ok and did not keep, also after one more send (read-back).
        case unverifiedWrites = "unverified_writes"
        /// The last scheduled audit found users TradingView's list differs on (`audit.drift`).
        case auditDrift = "audit_drift"
    }
    public enum Phase: String, Sendable { case fired, reminder, recovered }

    public struct Observation: Sendable {
        public var sessionStale: Bool
        public var failedRunsInARow: Int
        /// Review items older than the configured age.
        public var staleReviews: Int
        /// Review items read-back left: writes not on TradingView's list after two sends.
        public var unverifiedWrites: Int
        /// Users the last audit found different on TradingView (own writes not kept and foreign changes).
        public var auditDrift: Int
        public init(sessionStale: Bool, failedRunsInARow: Int, staleReviews: Int, unverifiedWrites: Int = 0, auditDrift: Int = 0) {
            self.sessionStale = sessionStale; self.failedRunsInARow = failedRunsInARow; self.staleReviews = staleReviews
            self.unverifiedWrites = unverifiedWrites; self.auditDrift = auditDrift
        }
    }

    public struct Notice: Sendable, Hashable {
        public var kind: Kind
        public var phase: Phase
        public var urgent: Bool
        public var text: String
    }

    public let remind: TimeInterval
    public let failedRunsLimit: Int
    public let reviewStaleHours: Double
    private var episodes: [Kind: (started: Date, lastSent: Date)] = [:]

    public init(config: AlertsConfig) {
        remind = (config.remindHours ?? 6) * 3600
        failedRunsLimit = config.failedRuns ?? 3
        reviewStaleHours = config.reviewStaleHours ?? 24
    }

    public var active: [Kind] { Kind.allCases.filter { episodes[$0] != nil } }

    public mutating func evaluate(_ o: Observation, now: Date) -> [Notice] {
        var out: [Notice] = []
        for kind in Kind.allCases {
            let on: Bool
            switch kind {
            case .sessionStale: on = o.sessionStale
            case .failedRuns: on = o.failedRunsInARow >= failedRunsLimit
            case .reviewStale: on = o.staleReviews > 0
            case .unverifiedWrites: on = o.unverifiedWrites > 0
            case .auditDrift: on = o.auditDrift > 0
            }
            if on, let e = episodes[kind] {
                guard now.timeIntervalSince(e.lastSent) >= remind else { continue }
                episodes[kind] = (e.started, now)
                out.append(notice(kind, .reminder, o, since: e.started))
            } else if on {
                episodes[kind] = (now, now)
                out.append(notice(kind, .fired, o, since: now))
            } else if let e = episodes.removeValue(forKey: kind) {
                out.append(notice(kind, .recovered, o, since: e.started))
            }
        }
        return out
    }

    private func notice(_ kind: Kind, _ phase: Phase, _ o: Observation, since: Date) -> Notice {
        let started = ISODate.format(since)
        let text: String
        switch (kind, phase) {
        case (.sessionStale, .fired):
            text = "URGENT: the TradingView session is stale or its cookies cannot be used; grants are stopped and purchases wait in the retry queue. Run `access-console cookies set` with fresh cookies."
        case (.sessionStale, .reminder):
            text = "URGENT reminder: the TradingView session is still stale (since \(started)); grants are stopped. Run `access-console cookies set`."
        case (.sessionStale, .recovered):
            text = "Recovered: the TradingView session is valid again (stale since \(started)); queued grants go out on the next run."
        case (.failedRuns, .fired):
            text = "\(o.failedRunsInARow) sync runs in a row failed; see logs/sync.log."
        case (.failedRuns, .reminder):
            text = "Reminder: sync runs keep failing (\(o.failedRunsInARow) in a row, since \(started)); see logs/sync.log."
        case (.failedRuns, .recovered):
            text = "Recovered: a sync run succeeded again (failing since \(started))."
        case (.reviewStale, .fired):
            text = "\(o.staleReviews) manual-review items have waited longer than \(ISODate.trim(reviewStaleHours)) h: `access-console review list`."
        case (.reviewStale, .reminder):
            text = "Reminder: \(o.staleReviews) manual-review items are still waiting (since \(started)): `access-console review list`."
        case (.reviewStale, .recovered):
            text = "Recovered: no manual-review item is waiting too long any more."
        case (.unverifiedWrites, .fired):
            text = "\(o.unverifiedWrites) purchases are not on TradingView although it answered ok, twice: customers paid and have no access. `access-console review list`."
        case (.unverifiedWrites, .reminder):
            text = "Reminder: \(o.unverifiedWrites) purchases are still not on TradingView (since \(started)): `access-console review list`."
        case (.unverifiedWrites, .recovered):
            text = "Recovered: no purchase is waiting for a write TradingView did not keep."
        case (.auditDrift, .fired):
            text = "The audit found \(o.auditDrift) users whose access on TradingView differs from master data (changed in TradingView's UI, or lost there): see `audit.drift` in logs/sync.log and GET /status."
        case (.auditDrift, .reminder):
            text = "Reminder: \(o.auditDrift) users still differ between TradingView and master data (since \(started)): see `audit.drift` in logs/sync.log."
        case (.auditDrift, .recovered):
            text = "Recovered: the last audit found TradingView and master data in step."
        }
        return Notice(kind: kind, phase: phase, urgent: kind == .sessionStale && phase != .recovered, text: text)
    }
}

extension ISODate {
    static func trim(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }
}

extension AlertMonitor.Phase {
    var eventKind: EventKind {
        switch self {
        case .fired: return .alertFired
        case .reminder: return .alertReminder
        case .recovered: return .alertRecovered
        }
    }
}
