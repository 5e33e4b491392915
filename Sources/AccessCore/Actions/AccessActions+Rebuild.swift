import Foundation

/// What `rebuild` did.
public struct RebuildReport: Codable, Sendable, Hashable {
    public var scriptId: String
    /// Users taken from TradingView's list.
    public var users: Int
    /// Purchases WordPress lists for the script, marked processed without being applied again.
    public var processed: Int
    /// Where the old (lost or damaged) files went.
    public var setAside: [String]
}

extension AccessActions {
    /// Starts a script's master data again after it was lost (the store refuses to open and says so):
    /// users and expiries from TradingView's list, which is what customers have, and every purchase
    /// WordPress lists for the script marked processed, so none is applied a second time. Refunds are not
    /// marked: they come back to manual review. Runs under the sync lock; the old files are kept aside.
    public func rebuild(script: String) async throws -> RebuildReport {
        try await audited(.rebuild, script: script) {
            try checkScript(script)
            return try await underSyncLock {
                let remote: [RemoteAccess]
                do { remote = try await client.listUsers(scriptId: script) } catch {
                    throw ActionError.from(RemoteError.wrap(error))
                }
                let batch: TransactionBatch
                do { batch = try await source.transactions(since: nil) } catch {
                    throw ActionError.remote("WordPress: \(error)")
                }
                let purchases = batch.transactions.filter { tx in
                    tx.status.entitles && (settings.products[tx.productId]?.scripts.contains { $0.scriptId == script } ?? false)
                }
                let at = now
                let moved: [String]
                do { moved = try store.setAside(script, now: at) } catch { throw ActionError.store(String(describing: error)) }
                try await withSession(script, dryRun: false) { session in
                    var changes: [AccessChange] = remote.map { r in
                        .upsertUser(UserAccess(username: r.username, expiry: r.expiry, grantedAt: r.created,
                                               history: [HistoryEntry(at: at, actor: actorName, action: "rebuild", expiry: r.expiry)]))
                    }
                    changes += purchases.map { .markProcessed(transactionId: $0.id) }
                    changes += [.setBootstrapped(true), .setLastProcessed(at)]
                    try commit(session, changes)
                }
                let report = RebuildReport(scriptId: script, users: remote.count, processed: purchases.count, setAside: moved)
                return (report, "master data rebuilt from TradingView's list: \(remote.count) users, "
                            + "\(purchases.count) purchases marked processed, old files set aside")
            }
        }
    }
}
