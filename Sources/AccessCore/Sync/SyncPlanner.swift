import Foundation

/// Decides, without side effects, what a sync run does: which users get which single write, what goes
/// to manual review, what waits. The engine executes the plan; this is where the access rules live.
public enum SyncPlanner {
    public struct Input: Sendable {
        public var transactions: [Transaction]
        public var products: [String: ProductConfig]
        /// Master data per script id, after settlement and bootstrap.
        public var states: [String: ScriptAccess]
        public var now: Date
        /// `Username.key` -> TradingView's spelling, for names known good (any script's users, or validated this run).
        public var knownNames: [String: String]
        /// A due retry item with this many attempts goes to review instead.
        public var maxAttempts: Int
        /// Plan these scripts only (nil: every script); the transaction-wide lists (unmapped, future-dated,
        /// conflicting duplicates) are the same either way. The engine plans each script once its list is read.
        public var only: Set<String>?
        /// Scripts never bootstrapped, with TradingView's list: planned by adoption (`Adoption.plan`), not
        /// by the steady-state rules, so a live business's access is compared, not granted again.
        public var adopting: [String: [RemoteAccess]]
        /// Who the adoption's history entries name.
        public var actor: String
        /// Purchases that arrived live (the daemon's webhooks), not read from history: a first run mails these.
        public var fresh: Set<String> = []

        public init(transactions: [Transaction], products: [String: ProductConfig], states: [String: ScriptAccess],
                    now: Date, knownNames: [String: String] = [:], maxAttempts: Int = 8, only: Set<String>? = nil,
                    adopting: [String: [RemoteAccess]] = [:], actor: String = "sync") {
            self.transactions = transactions; self.products = products; self.states = states
            self.now = now; self.knownNames = knownNames; self.maxAttempts = maxAttempts; self.only = only
            self.adopting = adopting; self.actor = actor
        }
    }

    public static func plan(_ input: Input) -> SyncPlan {
        let now = input.now.wholeSeconds
        let scriptIds = Set(input.products.values.flatMap { $0.scripts.map(\.scriptId) }).union(input.states.keys).sorted()
            .filter { input.only?.contains($0) ?? true }
        var plans = Dictionary(uniqueKeysWithValues: scriptIds.map { ($0, ScriptPlan(scriptId: $0)) })
        var works: [String: [SyncWork]] = [:]
        var unmapped: [String] = []
        var seen: [String: Transaction] = [:]
        var conflicting: [String] = []
        var futureDated: [String] = []

        let ordered = input.transactions.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        for tx in ordered {
            if let first = seen[tx.id] {
                if (first.tradingViewUsername, first.productId, first.status) != (tx.tradingViewUsername, tx.productId, tx.status) {
                    conflicting.append(tx.id)
                }
                continue
            }
            seen[tx.id] = tx
            if tx.createdAt > now { futureDated.append(tx.id) }
            // The marker never passes the run's time: a later one would hide every purchase until then.
            let markerDate = min(tx.createdAt, now)
            guard let product = input.products[tx.productId] else { unmapped.append(tx.id); continue }
            for entitlement in product.scripts {
                let sid = entitlement.scriptId
                guard var plan = plans[sid], input.adopting[sid] == nil else { continue }
                let state = input.states[sid] ?? ScriptAccess(scriptId: sid)
                defer { plans[sid] = plan }
                if tx.status.entitles {
                    if isHandled(tx.id, in: state) { plan.alreadyHandled += 1; continue }
                    plan.newestCreatedAt = max(plan.newestCreatedAt ?? markerDate, markerDate)
                    if let marker = state.lastProcessedAt, tx.createdAt < marker { plan.late.append(tx.id) }
                    guard Username.normalize(tx.tradingViewUsername) != nil else {
                        plan.reviews.append(invalidName(tx, term: entitlement.term, now: now))
                        continue
                    }
                    if entitlement.term == .purchase && tx.purchaseEnd == nil {
                        plan.reviews.append(noPurchaseEnd(tx, now: now))
                        continue
                    }
                    works[sid, default: []].append(SyncWork(
                        workId: tx.id, transactionId: tx.id, scriptId: sid, typedName: tx.tradingViewUsername,
                        email: tx.email, wpUsername: tx.wpUsername, productId: tx.productId,
                        term: entitlement.term, stacking: entitlement.stacking, createdAt: tx.createdAt,
                        purchaseEnd: tx.purchaseEnd))
                } else if tx.status.needsReview {
                    let reviewId = refundReviewId(tx.id)
                    if state.processedTransactions.contains(reviewId) || state.reviewQueue[reviewId] != nil {
                        plan.alreadyHandled += 1; continue
                    }
                    plan.newestCreatedAt = max(plan.newestCreatedAt ?? markerDate, markerDate)
                    plan.reviews.append(refund(tx, term: entitlement.term, applied: state.processedTransactions.contains(tx.id), now: now))
                } else {
                    plan.ignored.append(tx.id)
                }
            }
        }

        for (sid, remote) in input.adopting where plans[sid] != nil {
            plans[sid] = Adoption.plan(scriptId: sid, state: input.states[sid] ?? ScriptAccess(scriptId: sid), remote: remote,
                                       transactions: ordered, products: input.products, knownNames: input.knownNames, now: now,
                                       actor: input.actor, fresh: input.fresh)
        }

        for sid in scriptIds where input.adopting[sid] == nil {
            guard let state = input.states[sid] else { continue }
            var plan = plans[sid]!
            var revokes: [PlannedWrite] = []
            for item in state.retryQueue.values.sorted(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) {
                if item.nextAttemptAt > now { plan.deferredRetries += 1; continue }
                if item.attempts >= input.maxAttempts {
                    plan.reviews.append(gaveUp(item, now: now)); continue
                }
                let work = SyncWork(
                    workId: item.id, transactionId: item.transactionId, scriptId: sid, typedName: item.username,
                    email: item.email, wpUsername: nil, productId: nil, term: item.term,
                    stacking: stacking(of: item, scriptId: sid, products: input.products),
                    createdAt: item.createdAt, retry: item, purchaseEnd: item.purchaseEnd)
                if work.isRepair {
                    if let w = repairWrite(item, work: work, state: state, now: now) { revokes.append(w) } else { plan.ended.append(work) }
                } else if item.operation == .revoke {
                    let key = Username.key(item.username)
                    revokes.append(PlannedWrite(scriptId: sid, key: key, username: state.users[key]?.username ?? item.username,
                                                needsValidation: false, operation: .revoke, before: AccessState(state.users[key]),
                                                after: .none, covers: [work]))
                } else if item.term == nil || Username.normalize(item.username) == nil {
                    plan.reviews.append(gaveUp(item, now: now, detail: "retry item has no term or no usable username"))
                } else {
                    works[sid, default: []].append(work)
                }
            }
            let planned = writes(for: works[sid] ?? [], state: state, knownNames: input.knownNames, now: now)
            // A purchase's write sets the user's whole access on TradingView: it does a repair's work too, and
            // two writes for one user must not race.
            let purchased = Set(planned.map(\.key))
            plan.ended += revokes.filter { $0.isRepair && purchased.contains($0.key) }.flatMap(\.covers)
            revokes.removeAll { $0.isRepair && purchased.contains($0.key) }
            // A purchase whose own end has passed (memberpress term) grants nothing: processed, no write.
            plan.writes = revokes + planned.filter { $0.after != .none }
            plan.ended += planned.filter { $0.after == .none }.flatMap(\.covers)
            plans[sid] = plan
        }
        return SyncPlan(scripts: scriptIds.map { plans[$0]! }, unmappedTransactions: unmapped, futureDated: futureDated,
                        conflictingDuplicates: conflicting)
    }

    /// The review id of a refund, distinct from the purchase's own id: MemberPress refunds keep the
    /// transaction id and only change its status.
    public static func refundReviewId(_ transactionId: String) -> String { "\(transactionId):refund" }

    /// Processed, or its work is carried by a retry item, a review item or an open intent.
    static func isHandled(_ id: String, in state: ScriptAccess) -> Bool {
        state.processedTransactions.contains(id) || state.retryQueue[id] != nil || state.reviewQueue[id] != nil
            || state.openIntents.values.contains { $0.transactionId == id }
    }

    /// Folds each user's purchases into one write, users ordered by their first purchase.
    static func writes(for works: [SyncWork], state: ScriptAccess, knownNames: [String: String], now: Date) -> [PlannedWrite] {
        var groups: [String: [SyncWork]] = [:]
        var order: [String] = []
        for work in works.sorted(by: { ($0.createdAt, $0.workId) < ($1.createdAt, $1.workId) }) {
            let key = Username.key(Username.normalize(work.typedName)!)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(work)
        }
        return order.map { key in
            let covers = groups[key]!
            let known = state.users[key]
            let before = AccessState(known)
            // A retried write keeps the expiry of its first plan (never later than now).
            let after = covers.reduce(before) { s, w in s.applying(w.entitledPurchase!, at: min(w.retry?.plannedAt ?? now, now)) }
            let canonical = known?.username ?? knownNames[key]
            return PlannedWrite(scriptId: state.scriptId, key: key,
                                username: canonical ?? Username.normalize(covers[0].typedName)!,
                                needsValidation: canonical == nil,
                                operation: before.isActive(at: now) ? .extend : .grant,
                                before: before, after: after, covers: covers,
                                unmailed: Set(covers.filter { $0.retry?.quiet == true }.map(\.workId)))
        }
    }

    /// A repair item (read-back, audit) makes TradingView hold what master data holds when it runs, not when it
    /// was queued: a purchase applied in between is not undone. A revoke repair (access someone else added,
    /// `audit.repair` = all) goes out only while master data gives the user nothing; a grant or extend repair
    /// whose user has no access any more has nothing left to do (nil: dropped as done).
    static func repairWrite(_ item: RetryItem, work: SyncWork, state: ScriptAccess, now: Date) -> PlannedWrite? {
        let key = Username.key(item.username)
        let user = state.users[key]
        let ours = AccessState(user)
        let active = ours.isActive(at: now)
        guard active == (item.operation != .revoke) else { return nil }
        return PlannedWrite(scriptId: state.scriptId, key: key, username: user?.username ?? item.username,
                            needsValidation: false, operation: item.operation, before: ours,
                            after: item.operation == .revoke ? .none : ours, covers: [work])
    }

    /// Transaction-born retries keep their product's stacking; manual ones say it by their operation.
    static func stacking(of item: RetryItem, scriptId: String, products: [String: ProductConfig]) -> Bool {
        if !SyncWork.isManual(item.id) {
            for id in products.keys.sorted() {
                if let s = products[id]!.scripts.first(where: { $0.scriptId == scriptId && $0.term == item.term }) {
                    return s.stacking
                }
            }
        }
        return item.operation == .extend
    }

    static func invalidName(_ tx: Transaction, term: AccessTerm, now: Date) -> PlannedReview {
        PlannedReview(item: ReviewItem(
            id: tx.id, reason: .invalidUsername, typedName: tx.tradingViewUsername, email: tx.email,
            transactionId: tx.id, productId: tx.productId, term: term,
            detail: tx.tradingViewUsername.trimmingCharacters(in: .whitespaces).isEmpty ? "no TradingView username given"
                : tx.tradingViewUsername.count > 64 ? "username longer than 64 characters: not a TradingView username"
                : "not a TradingView username",
            createdAt: now, purchaseEnds: term == .purchase ? tx.purchaseEnd?.storedDate : nil), markProcessed: [tx.id], dropRetry: nil, sendEmail: true)
    }

    static func noPurchaseEnd(_ tx: Transaction, now: Date) -> PlannedReview {
        PlannedReview(item: ReviewItem(
            id: tx.id, reason: .conflict, typedName: tx.tradingViewUsername, email: tx.email, transactionId: tx.id,
            productId: tx.productId, term: .purchase,
            detail: "the product's term is \"memberpress\" but WordPress sent no expires_at: grant by hand or fix the record",
            createdAt: now), markProcessed: [tx.id], dropRetry: nil, sendEmail: false)
    }

    static func refund(_ tx: Transaction, term: AccessTerm, applied: Bool, now: Date) -> PlannedReview {
        let detail = applied
            ? "payment \(tx.status.rawValue) after access was granted: decide whether to revoke"
            : "payment \(tx.status.rawValue) before access was granted: nothing to undo unless granted by hand"
        let id = refundReviewId(tx.id)
        return PlannedReview(item: ReviewItem(
            id: id, reason: .refund, typedName: tx.tradingViewUsername, email: tx.email, transactionId: tx.id,
            productId: tx.productId, term: term, detail: detail, createdAt: now),
            markProcessed: [id], dropRetry: nil, sendEmail: false)
    }

    static func gaveUp(_ item: RetryItem, now: Date, detail: String? = nil) -> PlannedReview {
        PlannedReview(item: ReviewItem(
            id: item.id, reason: .conflict, typedName: item.username, email: item.email ?? "",
            transactionId: item.transactionId ?? item.id, productId: "", term: item.term,
            detail: detail ?? "gave up after \(item.attempts) attempts: \(item.lastError)", createdAt: now),
            markProcessed: [], dropRetry: item.id, sendEmail: false)
    }
}
