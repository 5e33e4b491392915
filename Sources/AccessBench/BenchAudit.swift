import AccessCore
import Foundation

/// Issue 18's rows: what verification costs on a large script, computed from the engine's own rules
/// (`SyncEngine.readBackCalls`, `Audit.cost`) at the configured rate; the audit is not run for hours.
/// `AuditTests.newUsersAreReadBackFromTheListsHead` checks the read-back rule against the sandbox.
struct AuditBench {
    let config: String

    func rows(into table: inout BenchTable) {
        let users = 100_000, writes = 200
        let rate = (try? ConfigLoader.load(path: config, environment: [:]))?.tradingview.rateLimitPerMinute
            ?? TradingViewClientFactory.defaultPerMinute
        let auditHours = (try? ConfigLoader.load(path: config, environment: [:]))?.scheduler.auditHours ?? SchedulerConfig.defaultAuditHours
        let pages = (users + 29) / 30

        let fresh = SyncEngine.readBackCalls(listUsers: users, writes: writes, newUsers: writes)
        table.add("read-back: list calls for \(writes) new customers' grants on a \(users / 1000)k-user script (list newest first)",
                  "\(fresh.calls) (\(fresh.deferred) left to the audit)", "<= \(pages) list pages, <= \(writes) (one per write)",
                  fresh.calls <= pages && fresh.calls <= writes && fresh.deferred == 0)
        let repeat_ = SyncEngine.readBackCalls(listUsers: users, writes: writes, newUsers: 0)
        table.add("read-back: list calls for \(writes) repeat buyers' extensions on a \(users / 1000)k-user script",
                  "\(repeat_.calls) (\(repeat_.deferred) pending for the audit: no per-user check in the contract)",
                  "<= \(pages), <= \(writes)", repeat_.calls <= pages && repeat_.calls <= writes)
        let small = SyncEngine.readBackCalls(listUsers: 2_000, writes: writes, newUsers: 0)
        table.add("read-back: list calls for \(writes) extensions on a 2k-user script (whole list)", "\(small.calls)",
                  "<= \(writes)", small.calls <= writes)

        // The configured rate, and TradingView's usual 30 a minute (the default) where the config lifts it.
        for r in Array(Set([rate, TradingViewClientFactory.defaultPerMinute])).sorted() {
            let audit = Audit.cost(users: users, ratePerMinute: r)
            table.add("audit: one \(users / 1000)k-user script at \(r) calls/min\(r == rate ? " (config)" : "") (pages paced at half the budget, no lock while reading)",
                      String(format: "%d calls, %.1f h", audit.calls, audit.seconds / 3600),
                      auditHours > 0 ? String(format: "within audit_hours (%.0f h)", auditHours) : "(audit off)",
                      auditHours > 0 ? audit.seconds / 3600 <= auditHours : nil)
        }
        let loaded = try? ConfigLoader.load(path: config, environment: [:])
        let watch = loaded?.tradingview.sessionCheckMinutes ?? TradingViewConfig.defaultSessionCheckMinutes
        table.add("session watch: TradingView calls per hour (tvcoins, every \(watch == watch.rounded() ? String(Int(watch)) : String(watch)) min)",
                  watch > 0 ? String(format: "%.1f", 60 / watch) : "0 (off)", "(reported)", nil)
        table.add("audit: TradingView calls per hour it takes from the budget", String(format: "%.0f of %d", 60.0 * Double(rate) / 2, rate * 60),
                  "<= half", true)
    }
}
