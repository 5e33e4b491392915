import Foundation

/// What a first run decided beside its writes: committed in one durable journal line before any write.
public struct AdoptionResult: Sendable, Hashable {
    /// Users from TradingView's list, the purchases already covered (processed), the under-granted
    /// users' work as due retry items (so a kill after this line replays exactly these writes), and
    /// `setBootstrapped(true)`.
    public var changes: [AccessChange] = []
    /// Users whose access on TradingView already covers what their purchases entitle: no write.
    public var adopted = 0
    /// Users TradingView grants clearly more than their purchases: left alone, listed for review. The items
    /// are part of `changes` (their purchases are recorded processed in the same line: a kill between the
    /// two would lose the item for good).
    public var excessItems: [ReviewItem] = []
    public var excess: Int { excessItems.count }
    /// Purchases whose term ended before this first run: nothing to grant.
    public var ended = 0
    /// Users on TradingView's list without any purchase: kept as they are.
    public var listOnly = 0
}

/// A first run on a live business (or `store rebuild`): compare what the WordPress history entitles
/// (each purchase from its own date, `Entitlement`) with what TradingView already grants. Covered: recorded
/// as processed, no write. Less: one write to the entitled expiry. More: left alone and listed for review,
/// never cut. A purchase whose term ended grants nothing. Pure: data in, plan out.
enum Adoption {
    static func plan(scriptId sid: String, state: ScriptAccess, remote: [RemoteAccess], transactions ordered: [Transaction],
                     products: [String: ProductConfig], knownNames: [String: String], now: Date, actor: String = "sync",
                     fresh: Set<String> = []) -> ScriptPlan {
        var plan = ScriptPlan(scriptId: sid)
        var result = AdoptionResult()
        var held: [String: RemoteAccess] = [:]
        for r in remote where held[Username.key(r.username)] == nil { held[Username.key(r.username)] = r }
        func heldState(_ key: String) -> AccessState {
            held[key].map { r in r.expiry.map { .until($0) } ?? .lifetime } ?? .none
        }
        // History is not mailed: a live business's customers may have been told before, and a folder that
        // comes back empty must not mail them again. A purchase that is live (a webhook's) or of the last
        // day is a new customer's: mailed.
        func mails(_ id: String, _ created: Date) -> Bool { fresh.contains(id) || now.timeIntervalSince(created) < Self.mailWindow }

        result.changes = remote.filter { state.user($0.username) == nil }.map { r in
            .upsertUser(UserAccess(username: r.username, expiry: r.expiry, grantedAt: r.created,
                                   history: [HistoryEntry(at: now, actor: actor, action: "bootstrap", expiry: r.expiry)], tvUserId: r.id))
        }
        var processed: [String] = []
        var works: [String: [SyncWork]] = [:]
        var order: [String] = []
        var seen = Set<String>()
        for tx in ordered where seen.insert(tx.id).inserted {
            guard let product = products[tx.productId] else { continue }
            for entitlement in product.scripts where entitlement.scriptId == sid {
                let markerDate = min(tx.createdAt, now)
                if tx.status.entitles {
                    if SyncPlanner.isHandled(tx.id, in: state) { plan.alreadyHandled += 1; continue }
                    plan.newestCreatedAt = max(plan.newestCreatedAt ?? markerDate, markerDate)
                    let work = SyncWork(workId: tx.id, transactionId: tx.id, scriptId: sid, typedName: tx.tradingViewUsername,
                                        email: tx.email, wpUsername: tx.wpUsername, productId: tx.productId,
                                        term: entitlement.term, stacking: entitlement.stacking, createdAt: tx.createdAt,
                                        purchaseEnd: tx.purchaseEnd)
                    if entitlement.term == .purchase && tx.purchaseEnd == nil {
                        plan.reviews.append(SyncPlanner.noPurchaseEnd(tx, now: now)); continue
                    }
                    guard let name = Username.normalize(tx.tradingViewUsername) else {
                        // Only a purchase still running is worth a review and a mail; an old one is history.
                        if Entitlement.entitled(by: [work.entitledPurchase!]).isActive(at: now) {
                            var review = SyncPlanner.invalidName(tx, term: entitlement.term, now: now)
                            review.sendEmail = mails(tx.id, tx.createdAt)
                            plan.reviews.append(review)
                        } else {
                            processed.append(tx.id); result.ended += 1
                        }
                        continue
                    }
                    let key = Username.key(name)
                    if works[key] == nil { order.append(key) }
                    works[key, default: []].append(work)
                } else if tx.status.needsReview {
                    let reviewId = SyncPlanner.refundReviewId(tx.id)
                    if state.processedTransactions.contains(reviewId) || state.reviewQueue[reviewId] != nil { continue }
                    plan.newestCreatedAt = max(plan.newestCreatedAt ?? markerDate, markerDate)
                    let key = Username.normalize(tx.tradingViewUsername).map(Username.key)
                    // A refund matters while TradingView still grants the user something.
                    if let key, heldState(key).isActive(at: now) {
                        plan.reviews.append(SyncPlanner.refund(tx, term: entitlement.term, applied: true, now: now))
                    } else {
                        processed.append(reviewId)
                    }
                } else {
                    plan.ignored.append(tx.id)
                }
            }
        }

        var retries: [AccessChange] = []
        for key in order {
            let covers = works[key]!
            let entitled = Entitlement.entitled(by: covers.map { $0.entitledPurchase! })
            let have = heldState(key)
            let last = covers.last!
            if Entitlement.exceeds(have, entitled) && have.isActive(at: now) {
                result.excessItems.append(excessReview(key: key, username: held[key]!.username, have: have, entitled: entitled,
                                                       last: last, now: now).item)
            }
            if !entitled.isActive(at: now) {
                processed += covers.map(\.workId); result.ended += covers.count
                continue
            }
            if Entitlement.covers(have, entitled) && have.isActive(at: now) {
                processed += covers.map(\.workId); result.adopted += 1
                continue
            }
            // Under-granted: one write to the entitled expiry. Each purchase is carried as a due retry item
            // raising access to that expiry, so a retry or a replay after a kill writes exactly it.
            let end: PurchaseEnd = entitled.expiry.map { .until($0) } ?? .never
            let canonical = held[key]?.username ?? state.users[key]?.username ?? knownNames[key]
            let username = canonical ?? Username.normalize(covers[0].typedName)!
            let operation: RemoteOperation = have.isActive(at: now) ? .extend : .grant
            let items = covers.map { c in
                RetryItem(id: c.workId, operation: operation, username: username, email: c.email, term: .purchase,
                          transactionId: c.transactionId, attempts: 0, nextAttemptAt: now, lastError: "first run: under-granted",
                          createdAt: c.createdAt, plannedAt: now, purchaseEnds: entitled.expiry,
                          quiet: mails(c.workId, c.createdAt) ? nil : true)
            }
            retries += items.map { .putRetry($0) }
            let carried = zip(covers, items).map { c, item in
                var w = c; w.term = .purchase; w.purchaseEnd = end; w.retry = item; return w
            }
            plan.writes.append(PlannedWrite(scriptId: sid, key: key, username: username, needsValidation: canonical == nil,
                                            operation: operation, before: have, after: entitled, covers: carried,
                                            unmailed: Set(covers.filter { !mails($0.workId, $0.createdAt) }.map(\.workId))))
        }
        result.listOnly = held.keys.filter { works[$0] == nil }.count
        result.changes += processed.map { .markProcessed(transactionId: $0) } + retries
            + result.excessItems.map { .putReview($0) } + [.setBootstrapped(true)]
        plan.adoption = result
        return plan
    }

    /// How recent a purchase found by a first run must be for an invalid name to be mailed.
    static let mailWindow: TimeInterval = 86_400

    static func excessReview(key: String, username: String, have: AccessState, entitled: AccessState,
                             last: SyncWork, now: Date) -> PlannedReview {
        let paid = entitled == .none ? "nothing" : entitled.isActive(at: now) ? "until \(entitled.label)" : "until \(entitled.label) (ended)"
        return PlannedReview(item: ReviewItem(
            id: "excess:\(key)", reason: .excess, typedName: username, email: last.email ?? "",
            transactionId: last.transactionId ?? last.workId, productId: last.productId ?? "", term: last.term,
            detail: "TradingView grants more than the purchases: holds \(have.label), purchases entitle \(paid); left as it is",
            createdAt: now), markProcessed: [], dropRetry: nil, sendEmail: false)
    }
}
