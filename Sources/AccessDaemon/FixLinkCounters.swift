import AccessCore
import Metrics

/// The fix-link pages' refusals and limits as `/metrics` counters. They answer requests nobody had to
/// authenticate for, so most are counted here instead of logged: a log line each would let anyone fill the
/// disk. Labels are fixed reasons, never an address or a token.
enum FixLinkCounters {
    static func refused(_ reason: String) {
        Counter(label: "accessconsole_fixlink_refused_total", dimensions: [("reason", reason)]).increment()
    }

    static func limited(_ per: String) {
        Counter(label: "accessconsole_fixlink_limited_total", dimensions: [("per", per == "link" ? "link" : "address")]).increment()
    }
}

extension FixRateLimiter.Verdict {
    /// nil when allowed, else the verdict.
    var over: Self? { self == .allowed ? nil : self }
}
