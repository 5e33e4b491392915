import Foundation

extension ReviewItem {
    /// The id suffix of review items read-back leaves (a write TradingView did not keep, twice).
    public static let unverifiedSuffix = ":unverified"
}

/// Read-back: after a run's writes, each touched script's list is read once and compared with what was
/// written, together with the users an earlier run left pending (`ReadBackPending`: killed between its
/// writes and its read-back). A write TradingView answered ok and did not keep goes to the retry queue as
/// a repair item (durable), which the same pass runs at once and reads back again; a repair still missing
/// goes to review with an error event (the daemon alerts on it). Only writes found on a list count as
/// verified and leave the pending record: nothing is recorded as verified that was not read.
extension SyncEngine {
    func readBack(run: Run, sessions: [ScriptSession]) async {
        let queued = await readBackRound(run: run, sessions: sessions, withPending: true)
        guard !queued.isEmpty, !stopRequested, await !run.tally.stale else { return }
        // The repairs are ordinary retry items: this pass runs them now (a kill leaves them queued for the next).
        let touched = sessions.filter { queued.contains($0.scriptId) }
        let ids = Set(touched.flatMap { s in s.read { $0.retryQueue.keys.filter(SyncWork.isRepair) } })
        _ = await runLanes(touched, fetch: false, given: [], onlyRetries: ids, run: run, now: run.now)
        _ = await readBackRound(run: run, sessions: touched, withPending: false)
    }

    /// One round: reads back the writes answered ok since the last round (and, with `withPending`, the users
    /// earlier runs left pending). Returns the scripts where repair items were queued.
    private func readBackRound(run: Run, sessions: [ScriptSession], withPending: Bool) async -> Set<String> {
        let tally = run.tally
        let written = ReadBack.latest(await tally.takeWritten())
        guard !stopRequested, await !tally.stale else { return [] }
        let byScript = Dictionary(grouping: written, by: \.scriptId)
        var checks: [(ScriptSession, [WrittenAccess])] = []
        for session in sessions where !session.dryRun {
            var writes = byScript[session.scriptId] ?? []
            if withPending, let pending {
                let keys = pending.users(of: session.scriptId).subtracting(writes.map { Username.key($0.username) })
                let (expected, gone) = session.read { ReadBack.expected(keys, state: $0, now: run.now) }
                if !gone.isEmpty { try? pending.clear(session.scriptId, users: gone) }
                // A script this run did not write to is read for its pending users only where the whole list is
                // worth it; a long one keeps them for the audit (without a line in every run's log).
                if !writes.isEmpty || Self.readBackWorthIt(users: session.read(\.users.count), writes: expected.count) {
                    writes += expected
                }
            }
            if !writes.isEmpty { checks.append((session, writes)) }
        }
        guard !checks.isEmpty else { return [] }
        return await withTaskGroup(of: String?.self) { group in
            for (session, writes) in checks {
                group.addTask { await self.readBack(writes, in: session, run: run) ? session.scriptId : nil }
            }
            var queued = Set<String>()
            for await script in group { if let script { queued.insert(script) } }
            return queued
        }
    }

    /// A list page holds 30 users (TradingView's cap). Reading a list many times longer than the run's writes
    /// would make one grant on a 100k-user script cost 3,334 rate-limited calls (two hours at 30 a minute)
    /// while the run holds the lock: such writes stay pending (`ReadBackPending`) for the audit instead.
    static let listPageUsers = 30
    static func readBackWorthIt(users: Int, writes: Int) -> Bool {
        let pages = (users + listPageUsers - 1) / listPageUsers
        return pages <= max(10, 4 * writes)
    }

    /// True when repair items were queued.
    private func readBack(_ writes: [WrittenAccess], in session: ScriptSession, run: Run) async -> Bool {
        let tally = run.tally, script = session.scriptId
        let users = session.read(\.users.count)
        // The whole list while its pages do not far outnumber the writes. Otherwise new users only: the list
        // comes newest first (`order_by=-created`), so their grants are on its first pages and the read stops
        // once every one was seen (bounded by the same page budget). What is not read stays pending for the audit.
        var writes = writes
        let remote: [RemoteAccess]
        if Self.readBackWorthIt(users: users, writes: writes.count) {
            guard let all = await readBackList(script, tally: tally, pending: writes.count) else { return false }
            remote = all
        } else {
            let heads = writes.filter(\.newestFirst)
            var deferred = writes.count - heads.count
            var head: [RemoteAccess] = []
            if !heads.isEmpty {
                guard let (read, _) = await readBackHead(script, expecting: Set(heads.map { Username.key($0.username) }),
                                                         maxPages: Self.pageBudget(writes: writes.count), tally: tally)
                else { return false }
                head = read
            }
            let seen = Set(head.map { Username.key($0.username) })
            writes = heads.filter { seen.contains(Username.key($0.username)) }
            deferred += heads.count - writes.count
            remote = head
            if deferred > 0 {
                events.emit(.info, .readbackVerified, script: script,
                            "read-back: the list (~\((users + 29) / 30) pages) is far longer than \(deferred) writes need; "
                            + "they stay pending for the audit",
                            fields: ["verified": "0", "missing": "0", "deferred": "\(deferred)"])
            }
            guard !writes.isEmpty else { return false }
        }
        writes = followRenames(writes, remote: remote, in: session, run: run)
        let outcome = ReadBack.check(writes, remote: remote)
        await tally.add(.verified, outcome.verified.count)
        recordIds(outcome.verified, remote: remote, in: session)
        let repaired = outcome.verified.filter(\.isRepair)
        await tally.add(.repaired, repaired.count)
        for w in repaired {
            events.emit(.notice, .readbackRepaired, script: script, user: w.username,
                        "\(w.operation.rawValue) \(w.username) was not on TradingView's list: sent again, now on the list",
                        fields: ["operation": w.operation.rawValue, "expiry": w.after.label])
        }
        clearPending(outcome.verified.map(\.username), in: script)
        events.emit(outcome.missing.isEmpty ? .info : .warning, .readbackVerified, script: script,
                    "read back \(writes.count) writes: \(outcome.verified.count) as written, \(outcome.missing.count) not kept",
                    fields: ["verified": "\(outcome.verified.count)", "missing": "\(outcome.missing.count)"])
        var queued = false
        for m in outcome.missing {
            if m.write.isRepair || stopRequested {
                if m.write.isRepair { await toReview(m, in: session, run: run) }
            } else {
                queued = await queueRepair(m, in: session, run: run) || queued
            }
        }
        return queued
    }

    /// A user the list shows under a new name with the id master data knows (`Audit.renames`): master data
    /// follows it, and the write is checked under the new name. Not in a dry run (nothing is read back then).
    private func followRenames(_ writes: [WrittenAccess], remote: [RemoteAccess], in session: ScriptSession, run: Run) -> [WrittenAccess] {
        let moved = session.read { Audit.renames($0, remote: remote, now: run.now, actor: actor) }
        guard !moved.changes.isEmpty else { return writes }
        do { try session.commit(moved.changes) } catch {
            events.emit(.warning, .storeFailed, script: session.scriptId, "could not follow a rename: \(error)")
            return writes
        }
        let to = Dictionary(moved.renames.map { (Username.key($0.from), $0.to) }, uniquingKeysWith: { a, _ in a })
        for r in moved.renames {
            events.emit(.notice, .userRenamed, script: session.scriptId, user: r.to,
                        "\(r.from) is now \(r.to) on TradingView (the same account): master data follows", fields: ["from": r.from, "to": r.to])
        }
        clearPending(moved.renames.map(\.from), in: session.scriptId)
        return writes.map { w in
            guard let name = to[Username.key(w.username)] else { return w }
            var renamed = w
            renamed.username = name
            return renamed
        }
    }

    private func clearPending(_ usernames: [String], in script: String) {
        guard let pending, !usernames.isEmpty else { return }
        do { try pending.clear(script, users: usernames.map(Username.key)) } catch {
            events.emit(.warning, .storeFailed, script: script, "could not record what was read back (checked again next time): \(error)")
        }
    }

    /// A write not on the list goes to the retry queue once, as a repair item (durable before it is run).
    private func queueRepair(_ m: ReadBack.Missing, in session: ScriptSession, run: Run) async -> Bool {
        let item = ReadBack.repairItem(m, now: run.now)
        do { try session.commit([.putRetry(item)]) } catch {
            await run.tally.storeFailed(session.scriptId)
            return false
        }
        events.emit(.warning, .readbackQueued, script: session.scriptId, user: m.write.username,
                    "\(m.write.operation.rawValue) \(m.write.username) (until \(m.write.after.label)) is not on TradingView's list: "
                    + "queued to be sent once more",
                    fields: ["id": item.id, "operation": item.operation.rawValue, "expiry": m.write.after.label])
        return true
    }

    private func recordIds(_ verified: [WrittenAccess], remote: [RemoteAccess], in session: ScriptSession) {
        let changes = session.read { ReadBack.idChanges(verified, remote: remote, state: $0) }
        guard !changes.isEmpty else { return }
        do { try session.commit(changes, durability: .deferred) } catch {
            events.emit(.warning, .storeFailed, script: session.scriptId, "could not record TradingView user ids: \(error)")
        }
    }

    /// List pages a read-back may read for `writes` writes: the pages that many new users fill, and the bound
    /// of `readBackWorthIt`.
    static func pageBudget(writes: Int) -> Int { max(10, 4 * writes) }

    /// The list calls a run's read-back makes on one script, by the rules above (for `make bench` and the docs):
    /// `newUsers` of the `writes` are first grants (found on the list's first pages); `deferred` writes stay
    /// pending for the audit. Assumes every write was kept (a missing new user reads up to the page budget).
    public static func readBackCalls(listUsers: Int, writes: Int, newUsers: Int) -> (calls: Int, deferred: Int) {
        let pages = max(1, (listUsers + listPageUsers - 1) / listPageUsers)
        if readBackWorthIt(users: listUsers, writes: writes) { return (pages, 0) }
        guard newUsers > 0 else { return (0, writes) }
        // The new entries are the newest: the page holding the last of them ends the read.
        return (min((newUsers + listPageUsers - 1) / listPageUsers, pageBudget(writes: writes), pages), writes - newUsers)
    }

    /// The list's pages, newest first, until every expected user was seen (complete = true) or `maxPages`.
    private func readBackHead(_ scriptId: String, expecting keys: Set<String>, maxPages: Int,
                              tally: RunTally) async -> ([RemoteAccess], Bool)? {
        var chain = ListChain(), cursor: ListCursor?, pages = 0, missing = keys
        do {
            repeat {
                cursor = try chain.add(try await client.listPage(scriptId: scriptId, after: cursor))
                pages += 1
                for u in chain.users.suffix(SyncEngine.listPageUsers * 2) { missing.remove(Username.key(u.username)) }
                if missing.isEmpty { return (chain.users, true) }
            } while cursor != nil && pages < maxPages
            return (chain.users, cursor == nil)
        } catch {
            _ = await readBackList(failed: error, scriptId, tally: tally, pending: keys.count)
            return nil
        }
    }

    /// The script's whole list, or nil (reported) when it cannot be read: those writes stay unverified.
    private func readBackList(_ scriptId: String, tally: RunTally, pending: Int) async -> [RemoteAccess]? {
        do { return try await client.listUsers(scriptId: scriptId) } catch {
            return await readBackList(failed: error, scriptId, tally: tally, pending: pending)
        }
    }

    private func readBackList(failed error: any Error, _ scriptId: String, tally: RunTally, pending: Int) async -> [RemoteAccess]? {
        let error = RemoteError.wrap(error)
        if error.isStale { await reportStale(error, tally: tally) }
        await tally.add(.incomplete)
        events.emit(.error, .readbackFailed, script: scriptId,
                    "could not read the list back: \(pending) writes unverified (pending for the next run or the audit): \(error)",
                    fields: ["unverified": "\(pending)"])
        return nil
    }

    /// Still not on the list after one more send: a person looks at it, and the event raises the alert.
    private func toReview(_ m: ReadBack.Missing, in session: ScriptSession, run: Run) async {
        let w = m.write
        let detail = "TradingView answered ok to \(w.operation.rawValue) \(w.username) (until \(w.after.label)) "
            + "but its list does not show it, also after one more send through the retry queue"
        events.emit(.error, .readbackMissing, script: w.scriptId, user: w.username, detail,
                    fields: ["operation": w.operation.rawValue, "expiry": w.after.label])
        clearPending([w.username], in: w.scriptId)
        let covers = w.covers.isEmpty
            ? [SyncWork(workId: "\(SyncWork.repairPrefix)\(Username.key(w.username))", transactionId: nil, scriptId: w.scriptId,
                        typedName: w.username, email: w.email, wpUsername: w.wpUsername, productId: nil, term: nil, stacking: false,
                        createdAt: run.now)]
            : w.covers
        let items = covers.map { c in
            ReviewItem(id: (c.transactionId ?? c.workId) + ReviewItem.unverifiedSuffix, reason: .conflict, typedName: c.typedName, email: c.email ?? "",
                       transactionId: c.transactionId ?? c.workId, productId: c.productId ?? "", term: c.term,
                       detail: detail, createdAt: run.now)
        }
        do {
            try session.commit(items.map { .putReview($0) })
            await run.tally.add(.review, items.count)
            for item in items {
                events.emit(.warning, .reviewAdded, script: w.scriptId, user: item.typedName, "conflict: \(detail)",
                            fields: ["id": item.id, "reason": item.reason.rawValue, "transaction": item.transactionId])
            }
        } catch {
            await run.tally.storeFailed(session.scriptId)
        }
    }
}
