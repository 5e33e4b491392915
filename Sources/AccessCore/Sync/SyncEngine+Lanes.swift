import Foundation

/// What a task of a pass reports back to the pass's loop.
enum LaneEvent: Sendable {
    /// One page of a script's TradingView list (or why it could not be read).
    case page(String, Result<ListPage, RemoteError>)
    case fetched(Result<TransactionBatch, any Error>)
    /// A write finished, whatever its outcome: its slot is free.
    case wrote
}

extension SyncEngine {
    /// The reads, plans and writes of one pass, each script in its own lane: every list chain and the
    /// WordPress read start at once; a script is planned as soon as its list is read (settled and
    /// bootstrapped) and the purchases are in, and its writes start while longer chains go on. A name
    /// not known yet waits until a page shows it or every list is read (`LaneBoard`). At most
    /// `concurrency` writes run at once; list pages go first at the HTTP gate, so the longest chain is
    /// never slowed by writes.
    /// Returns the plans made, for the since markers.
    func runLanes(_ sessions: [ScriptSession], fetch: Bool, given: [Transaction], onlyRetries: Set<String>?,
                  run: Run, now: Date) async -> [ScriptPlan] {
        let needy = sessions.filter { Self.needsList($0.state) }
        let since = Self.since(sessions.map(\.state), overlap: settings.sinceOverlap, now: now)
        let (client, source) = (self.client, self.source)
        // Everything the loop decides lives in `lanes`, owned by this closure and returned from it: the
        // child tasks only report events, they never touch shared state.
        return await withTaskGroup(of: LaneEvent.self, returning: [ScriptPlan].self) { group in
            var lanes = PassLanes(engine: self, run: run, sessions: sessions, needy: needy.map(\.scriptId),
                                  transactions: given, waitForFetch: fetch, onlyRetries: onlyRetries, now: now)
            if fetch {
                group.addTask {
                    do { return .fetched(.success(try await source.transactions(since: since))) } catch { return .fetched(.failure(error)) }
                }
            }
            await lanes.start()
            while true {
                // The next page of each chain first: the chains are the pass's critical path.
                for (sid, cursor) in lanes.takePageRequests() {
                    group.addTask { .page(sid, await Self.page(client, sid, after: cursor)) }
                }
                for (session, write, intents) in await lanes.advance() {
                    group.addTask { await run.execute(write, in: session, intents: intents); return .wrote }
                }
                guard let event = await group.next() else { break }
                await lanes.take(event)
            }
            lanes.acknowledgeWatched()
            return lanes.plans
        }
    }

    static func page(_ client: any TradingViewClient, _ scriptId: String, after cursor: ListCursor?) async -> Result<ListPage, RemoteError> {
        do { return .success(try await client.listPage(scriptId: scriptId, after: cursor)) } catch { return .failure(.wrap(error)) }
    }

    /// One script's plan from its master data, the purchases, and the names known good so far.
    static func lanePlan(_ state: ScriptAccess, transactions: [Transaction], products: [String: ProductConfig],
                         knownNames: [String: String], onlyRetries: Set<String>?, maxAttempts: Int, now: Date,
                         adopting: [RemoteAccess]? = nil, actor: String = "sync", fresh: Set<String> = []) -> ScriptPlan {
        var state = state
        if let only = onlyRetries {
            state.retryQueue = state.retryQueue.filter { only.contains($0.key) }.mapValues { var r = $0; r.nextAttemptAt = now; return r }
        }
        var input = SyncPlanner.Input(transactions: transactions, products: products, states: [state.scriptId: state], now: now,
                                      knownNames: knownNames, maxAttempts: maxAttempts, only: [state.scriptId],
                                      adopting: adopting.map { [state.scriptId: $0] } ?? [:], actor: actor)
        input.fresh = fresh
        let plan = SyncPlanner.plan(input)
        return plan.scripts.first { $0.scriptId == state.scriptId } ?? ScriptPlan(scriptId: state.scriptId)
    }
}

/// The state of one pass's loop: what has arrived, what is planned, which writes wait for a slot.
/// Decisions about timing are `LaneBoard`'s; this carries them out (master data, events, reviews).
struct PassLanes {
    typealias Step = (ScriptSession, PlannedWrite, [WriteIntent]?)

    let engine: SyncEngine
    let run: Run
    let sessions: [String: ScriptSession]
    /// Scripts in config order, for the ones ready from the start.
    let order: [ScriptSession]
    var board: LaneBoard
    var transactions: [Transaction]
    /// Paid purchases and refunds the read passed dated before `since`: planned, never reported as new.
    var older: [Transaction] = []
    /// Once-pending payments with a final status, to acknowledge once master data handled them.
    var watched: Set<String> = []
    /// Purchases given to the pass (the daemon's webhooks): live, so a first run mails about them.
    let fresh: Set<String>
    /// Why a first run cannot be planned this pass (WordPress unread or not shown whole): an adoption needs
    /// the whole history, or purchases it did not see would later be applied on top of what it adopted.
    private var adoptionBlocked: String?
    let onlyRetries: Set<String>?
    let waitForFetch: Bool
    let now: Date
    private(set) var plans: [ScriptPlan] = []
    /// Writes admitted, their intents journaled, in the order they go out.
    private var queue: [Step] = []
    private var queueHead = 0
    private var inFlight = 0
    /// The lists being read, page by page.
    private var chains: [String: ListChain] = [:]
    /// TradingView's lists of scripts never bootstrapped: their first plan is an adoption.
    private var adoptLists: [String: [RemoteAccess]] = [:]
    /// Pages to ask for next: (script, cursor; nil for the first page).
    private var pageRequests: [(String, ListCursor?)]

    private var events: EventHub { engine.events }
    private var tally: RunTally { run.tally }

    init(engine: SyncEngine, run: Run, sessions: [ScriptSession], needy: [String], transactions: [Transaction],
         waitForFetch: Bool, onlyRetries: Set<String>?, now: Date) {
        self.engine = engine; self.run = run; self.order = sessions
        self.sessions = Dictionary(uniqueKeysWithValues: sessions.map { ($0.scriptId, $0) })
        self.board = LaneBoard(listing: needy, haveTransactions: !waitForFetch)
        self.pageRequests = needy.map { ($0, nil) }
        self.transactions = transactions; self.onlyRetries = onlyRetries; self.waitForFetch = waitForFetch; self.now = now
        self.fresh = Set(transactions.map(\.id))
    }

    /// Scripts that need no list are ready at once; without a WordPress read the purchases are too.
    mutating func start() async {
        for s in order where !board.listing.contains(s.scriptId) { board.ready(s.scriptId, users: s.read(\.users)) }
        if !waitForFetch { await reportTransactions() }
    }

    mutating func takePageRequests() -> [(String, ListCursor?)] {
        defer { pageRequests = [] }
        return pageRequests
    }

    mutating func take(_ event: LaneEvent) async {
        switch event {
        case .page(let sid, .success(let page)):
            // Any name on a page is a TradingView account: writes of other scripts held for it may go.
            board.revealed(page.users)
            do {
                if let next = try chains[sid, default: ListChain()].add(page) {
                    pageRequests.append((sid, next))
                } else {
                    await listed(sid, .success(chains.removeValue(forKey: sid)?.users ?? []))
                }
            } catch {
                chains[sid] = nil
                await listed(sid, .failure(.wrap(error)))
            }
        case .page(let sid, .failure(let error)):
            chains[sid] = nil
            await listed(sid, .failure(error))
        case .fetched(.success(let batch)):
            transactions += batch.transactions
            older += batch.older.filter { $0.status.entitles || $0.status.needsReview }
            watched.formUnion(batch.watched)
            for note in batch.notes {
                switch note.kind {
                case .incomplete:
                    adoptionBlocked = "the WordPress read was not shown whole"
                    await tally.add(.incomplete)
                    events.emit(.warning, .wordpressIncomplete, "WordPress read not shown whole: \(note.message); the next run reads again",
                                fields: ["detail": note.message])
                case .watchExpired:
                    events.emit(.warning, .transactionWatchExpired, note.message, fields: ["transaction": note.transactionId ?? ""])
                }
            }
            for r in batch.rejected {
                await tally.add(.skipped)
                events.emit(.warning, .transactionRejected, "WordPress record \(r.recordId ?? "?") skipped: \(r.reason)",
                            fields: ["record": r.recordId ?? "", "reason": r.reason])
            }
            board.transactionsArrived()
            await reportTransactions()
        case .fetched(.failure(let error)):
            adoptionBlocked = "WordPress could not be read"
            await tally.add(.failed)
            await tally.add(.incomplete)
            events.emit(.error, .wordpressFailed, "could not fetch transactions: \(error)")
            board.transactionsArrived()
            await reportTransactions()
        case .wrote:
            inFlight -= 1
        }
    }

    /// A script's whole list, or why it could not be read: settle, bootstrap, and the lane is ready.
    private mutating func listed(_ sid: String, _ list: Result<[RemoteAccess], RemoteError>) async {
        let session = sessions[sid]!
        if await engine.prepare(session, list: list, tally: tally, now: now, adopt: waitForFetch) {
            if case .success(let remote) = list, !session.read(\.bootstrapped) {
                adoptLists[sid] = remote
                board.ready(sid, users: Dictionary(remote.map { (Username.key($0.username), UserAccess(username: $0.username, expiry: $0.expiry)) },
                                                   uniquingKeysWith: { a, _ in a }))
            } else {
                board.ready(sid, users: session.read(\.users))
            }
        } else {
            board.dropped(sid)
        }
    }

    /// Plans what can be planned, queues what may go, and hands out the writes to start now.
    mutating func advance() async -> [Step] {
        // A stale session plans nothing more; lanes already planned run out through `Run`, which queues
        // their writes unsent.
        if await !tally.stale {
            for sid in board.takePlannable() { await plan(sessions[sid]!) }
        }
        enqueue(board.release())
        var steps: [Step] = []
        while inFlight < max(1, engine.settings.concurrency), queueHead < queue.count {
            steps.append(queue[queueHead])
            queueHead += 1
            inFlight += 1
        }
        if queueHead == queue.count { queue = []; queueHead = 0 }
        return steps
    }

    private mutating func plan(_ session: ScriptSession) async {
        let (txs, known, settings, only, now) = (older + transactions, board.knownNames, engine.settings, onlyRetries, now)
        let (adopting, actor, fresh) = (adoptLists.removeValue(forKey: session.scriptId), engine.actor, self.fresh)
        if adopting != nil, let why = adoptionBlocked {
            await tally.add(.incomplete)
            events.emit(.warning, .wordpressIncomplete, script: session.scriptId,
                        "first run not planned: \(why); nothing written, the next run tries again")
            return
        }
        // Read in place: a copy of the state held during the writes would make each commit copy it.
        let p = session.read { state in
            SyncEngine.lanePlan(state, transactions: txs, products: settings.products, knownNames: known,
                                onlyRetries: only, maxAttempts: settings.maxAttempts, now: now, adopting: adopting, actor: actor,
                                fresh: fresh)
        }
        if let adoption = p.adoption {
            do { try session.commit(adoption.changes) } catch {
                await tally.storeFailed(session.scriptId)
                events.emit(.error, .storeFailed, script: session.scriptId, "first run could not be recorded; script skipped: \(error)")
                return
            }
            await tally.add(.adopted, adoption.adopted)
            await tally.add(.processed, adoption.ended)
            await tally.add(.review, adoption.excessItems.count)
            for item in adoption.excessItems {
                events.emit(.warning, session.dryRun ? .reviewWouldAdd : .reviewAdded, script: session.scriptId, user: item.typedName,
                            "\(session.dryRun ? "would add: " : "")\(item.reason.rawValue): \(item.detail)",
                            fields: ["id": item.id, "reason": item.reason.rawValue, "transaction": item.transactionId])
            }
            events.emit(.notice, .adoptDone, script: session.scriptId,
                        "first run: \(adoption.adopted) users already hold what they paid for (no write), \(p.writes.count) under-granted "
                        + "(one write each), \(adoption.excess) granted more than paid (review, not cut), \(adoption.ended) purchases ended before this run",
                        fields: ["adopted": "\(adoption.adopted)", "writes": "\(p.writes.count)", "excess": "\(adoption.excess)",
                                 "ended": "\(adoption.ended)", "listOnly": "\(adoption.listOnly)"])
        }
        if !p.ended.isEmpty {
            let changes = session.read { RemoteWriter.doneChanges(for: p.ended.map(\.workId), state: $0) }
            do { try session.commit(changes) } catch {
                await tally.storeFailed(session.scriptId)
                events.emit(.error, .storeFailed, script: session.scriptId, "could not record ended purchases: \(error)")
            }
            await tally.add(.processed, p.ended.filter { !$0.isRepair }.count)
            for w in p.ended {
                if w.isRepair {
                    events.emit(.info, .writeUnchanged, script: session.scriptId, user: w.typedName,
                                "repair of \(w.typedName) dropped: master data's access for them changed since it was queued",
                                fields: ["id": w.workId])
                    continue
                }
                events.emit(.notice, .writeUnchanged, script: session.scriptId, user: w.typedName,
                            "purchase \(w.workId) ended before it was applied: nothing to grant", fields: ["transaction": w.workId])
            }
        }
        for id in p.late {
            events.emit(.notice, .transactionLate, script: session.scriptId,
                        "transaction \(id) is dated before the last processed purchase and was never applied: applied now",
                        fields: ["transaction": id])
        }
        plans.append(p)
        await tally.expect(p.writes.count + p.reviews.count)
        await tally.add(.skipped, p.ignored.count)
        for review in p.reviews { await run.addPlannedReview(review, in: session) }
        enqueue(board.admit(p.writes))
    }

    /// Journals the intents of the writes whose names are known (one commit per script) and queues them.
    private mutating func enqueue(_ writes: [PlannedWrite]) {
        guard !writes.isEmpty else { return }
        let pairs = writes.map { (sessions[$0.scriptId]!, $0) }
        let intents = run.openIntentsAhead(pairs)
        for ((session, write), i) in zip(pairs, intents) { queue.append((session, write, i)) }
    }

    /// Tells the source which once-pending payments master data now holds (processed or queued in every
    /// script their product entitles, or entitling none), so it stops re-reading them. Not in a dry run:
    /// nothing was kept.
    func acknowledgeWatched() {
        guard !watched.isEmpty, !order.contains(where: \.dryRun) else { return }
        let products = engine.settings.products
        var done = Set<String>()
        for tx in transactions where watched.contains(tx.id) {
            let scripts = products[tx.productId]?.scripts.map(\.scriptId) ?? []
            let handled = scripts.allSatisfy { sid in
                guard let session = sessions[sid] else { return false }
                return session.read { state in
                    tx.status.needsReview
                        ? state.processedTransactions.contains(SyncPlanner.refundReviewId(tx.id))
                            || state.reviewQueue[SyncPlanner.refundReviewId(tx.id)] != nil
                        : SyncPlanner.isHandled(tx.id, in: state)
                }
            }
            if handled || !(tx.status.entitles || tx.status.needsReview) { done.insert(tx.id) }
        }
        engine.source.acknowledge(done)
    }

    /// What the purchases alone say, once per pass: duplicates, future dates, products no script has.
    private func reportTransactions() async {
        let plan = SyncPlanner.plan(.init(transactions: transactions, products: engine.settings.products, states: [:],
                                          now: now, only: []))
        for id in plan.conflictingDuplicates {
            await tally.add(.skipped)
            events.emit(.warning, .transactionDuplicate, "transaction \(id) came twice with another user, product or status: only the first is used",
                        fields: ["transaction": id])
        }
        for id in plan.futureDated {
            events.emit(.warning, .transactionFuture, "transaction \(id) is dated after this run: applied, but its date is not kept as the last processed purchase",
                        fields: ["transaction": id])
        }
        for id in plan.unmappedTransactions {
            await tally.add(.skipped)
            events.emit(.warning, .transactionUnmapped, "transaction \(id): its product entitles no configured script",
                        fields: ["transaction": id])
        }
    }
}
