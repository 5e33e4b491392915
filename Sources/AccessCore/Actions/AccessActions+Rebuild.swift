import Foundation

/// What `rebuild` did.
public struct RebuildReport: Codable, Sendable, Hashable {
    public var scriptId: String
    /// Users taken from TradingView's list.
    public var users: Int
    /// Purchases recorded as processed without a write (covered by TradingView's access, or ended).
    public var processed: Int
    /// Users whose TradingView access already covers their purchases.
    public var adopted: Int
    /// Users granted less than their purchases entitle: one write each.
    public var writes: Int
    /// Users TradingView grants more than their purchases: listed for review, not cut.
    public var excess: Int
    /// Where the old (lost or damaged) files went.
    public var setAside: [String]
    /// The run's summary (exit code, counts).
    public var summary: SyncSummary
}

extension AccessActions {
    /// Starts a script's master data again after it was lost (the store refuses to open and says so):
    /// the old files go aside and the script's next run is a first run (`Adoption`): users and expiries
    /// from TradingView's list, each purchase WordPress lists compared with them: covered ones recorded
    /// processed with no write, under-granted users written once to what they paid for, more than paid
    /// listed for review and never cut. Runs under the sync lock.
    func rebuild(script: String) async throws -> RebuildReport {
        try await audited(.rebuild, script: script) { dryRun in
            try checkScript(script)
            guard !dryRun else {
                return (RebuildReport(scriptId: script, users: 0, processed: 0, adopted: 0, writes: 0, excess: 0, setAside: [],
                                      summary: SyncSummary(dryRun: true)),
                        "the master data of \(script) would be set aside and rebuilt from TradingView's list; nothing changed")
            }
            return try await underSyncLock {
                let moved: [String]
                do { moved = try store.setAside(script, now: now) } catch { throw ActionError.store(String(describing: error)) }
                let summary = try await engine.run(scripts: [script], dryRun: false)
                let state = try await withSession(script, dryRun: true) { $0.state }
                let report = RebuildReport(scriptId: script, users: state.users.count, processed: state.processedTransactions.count,
                                           adopted: summary.adopted, writes: summary.granted + summary.extended,
                                           excess: state.reviewQueue.values.filter { $0.reason == .excess }.count,
                                           setAside: moved, summary: summary)
                return (report, "master data rebuilt: \(report.users) users from TradingView's list, \(report.adopted) already hold what they paid for, "
                            + "\(report.writes) under-granted written, \(report.excess) granted more than paid (review); old files set aside")
            }
        }
    }
}
