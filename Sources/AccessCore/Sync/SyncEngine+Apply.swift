import Foundation

extension SyncEngine {
    /// Runs the given transactions (a vendor's dump) through the same pass as a sync: settle, bootstrap,
    /// plan, intents, writes, master data. WordPress is not read, the retry queue is left to sync, and
    /// the since marker stays where sync put it. Already processed transactions are skipped as in sync.
    public func apply(transactions: [Transaction], dryRun: Bool) async throws -> SyncSummary {
        try await running(.batch, dryRun: dryRun) { run in
            let sessions = try await openSessions(settings.scriptIds, dryRun: dryRun)
            defer { sessions.forEach { $0.close() } }
            return await pass(sessions, fetch: false, given: transactions, onlyRetries: [], run: run)
        }
    }
}
