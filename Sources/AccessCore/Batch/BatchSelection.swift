import Foundation

/// Which transactions of a dump still need a run, judged on master data alone (the one processed set
/// sync uses too), so a killed batch-grant resumes exactly where its last commit left it.
public enum BatchSelection {
    public struct Split: Sendable {
        /// The dump cut into batches of `size` transactions in (createdAt, id) order, each holding only
        /// its members still pending; batches with none left are dropped. The cut does not move as work
        /// gets done, so a batch resumed after a kill is the rest of the same batch (one user's purchases
        /// in one batch stay one write).
        public var batches: [[Transaction]] = []
        /// Processed, or queued for retry or review, on every script they entitle.
        public var done = 0
        /// Products no script is configured for, and payments that do not entitle yet (pending, failed).
        public var skipped = 0
        public var pending: Int { batches.reduce(0) { $0 + $1.count } }
    }

    public static func split(_ transactions: [Transaction], size: Int, products: [String: ProductConfig],
                             states: [String: ScriptAccess]) -> Split {
        var split = Split()
        var seen: Set<String> = []
        let ordered = transactions.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.filter { seen.insert($0.id).inserted }
        var batch: [Transaction] = []
        for (i, tx) in ordered.enumerated() {
            if let product = products[tx.productId], tx.status.entitles || tx.status.needsReview {
                if isOpen(tx, product, states) { batch.append(tx) } else { split.done += 1 }
            } else {
                split.skipped += 1
            }
            if (i + 1) % max(1, size) == 0 || i == ordered.count - 1 {
                if !batch.isEmpty { split.batches.append(batch) }
                batch = []
            }
        }
        return split
    }

    /// Still to run on some script it entitles. A transaction in an open intent (a run killed mid-write)
    /// is still to run: the engine settles the intent first, and the plan then skips it if it landed or
    /// plans it again, in this batch and in order, if it did not.
    private static func isOpen(_ tx: Transaction, _ product: ProductConfig, _ states: [String: ScriptAccess]) -> Bool {
        product.scripts.contains { entitlement in
            let state = states[entitlement.scriptId] ?? ScriptAccess(scriptId: entitlement.scriptId)
            if tx.status.entitles {
                return !(state.processedTransactions.contains(tx.id) || state.retryQueue[tx.id] != nil
                         || state.reviewQueue[tx.id] != nil)
            }
            let review = SyncPlanner.refundReviewId(tx.id)
            return !state.processedTransactions.contains(review) && state.reviewQueue[review] == nil
        }
    }
}

/// Brings the sheet in line with master data for the dump's applied transactions: a user of a script
/// that a processed transaction of the dump gave access to has exactly one row, with master data's
/// expiry. Idempotent: running it again after a crash appends nothing twice.
public enum SheetReconciler {
    public struct Change: Sendable, Codable, Equatable {
        public var scriptId: String
        public var username: String
        /// ISO-8601, empty = lifetime.
        public var expiration: String
    }

    public static func reconcile(_ sheet: inout AccessSheet, transactions: [Transaction],
                                 products: [String: ProductConfig],
                                 states: [String: ScriptAccess]) -> (appended: [Change], updated: [Change]) {
        var index = sheet.index()
        var appended: [Change] = [], updated: [Change] = []
        let ordered = transactions.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        for tx in ordered where tx.status.entitles {
            guard let product = products[tx.productId], let name = Username.normalize(tx.tradingViewUsername) else { continue }
            for sid in product.scripts.map(\.scriptId) {
                guard let state = states[sid], state.processedTransactions.contains(tx.id),
                      let user = state.users[Username.key(name)] else { continue }
                let key = AccessSheet.key(script: sid, user: user.username)
                let change = Change(scriptId: sid, username: user.username, expiration: AccessSheet.format(user.expiry))
                if let row = index[key] {
                    let stated = sheet.rows[row][sheet.expiryColumn]
                    let same = stated.trimmingCharacters(in: .whitespaces).isEmpty ? user.expiry == nil
                        : sheet.expiry(ofRow: row) == user.expiry
                    if !same {
                        sheet.rows[row][sheet.expiryColumn] = change.expiration
                        updated.append(change)
                    }
                } else {
                    sheet.append(script: sid, user: user.username, expiry: user.expiry, email: tx.email)
                    index[key] = sheet.rows.count - 1
                    appended.append(change)
                }
            }
        }
        return (appended, updated)
    }
}
