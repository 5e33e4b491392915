import Foundation

extension ReviewItem {
    /// The id suffix of review items read-back leaves (a write TradingView did not keep, twice).
    public static let unverifiedSuffix = ":unverified"
}

/// Read-back: after a run's writes, each touched script's list is read once and compared with what was
/// written. A write TradingView answered ok and did not keep is sent once more and read again; one still
/// missing goes to review with an error event (the daemon alerts on it). Only writes found on a list
/// count as verified: nothing is recorded as verified that was not read.
extension SyncEngine {
    func readBack(run: Run, sessions: [ScriptSession]) async {
        let tally = run.tally
        guard !stopRequested, await !tally.stale else { return }
        let written = ReadBack.latest(await tally.written)
        guard !written.isEmpty else { return }
        let byScript = Dictionary(grouping: written, by: \.scriptId)
        await withTaskGroup(of: Void.self) { group in
            for session in sessions {
                guard let writes = byScript[session.scriptId] else { continue }
                group.addTask { await self.readBack(writes, in: session, run: run) }
            }
        }
    }

    /// A list page holds 30 users (TradingView's cap). Reading a list many times longer than the run's writes
    /// would make one grant on a 100k-user script cost 3,334 rate-limited calls (two hours at 30 a minute)
    /// while the run holds the lock: such writes are left to the next read of the list instead.
    static let listPageUsers = 30
    static func readBackWorthIt(users: Int, writes: Int) -> Bool {
        let pages = (users + listPageUsers - 1) / listPageUsers
        return pages <= max(10, 4 * writes)
    }

    private func readBack(_ writes: [WrittenAccess], in session: ScriptSession, run: Run) async {
        let tally = run.tally, script = session.scriptId
        let users = session.read(\.users.count)
        guard Self.readBackWorthIt(users: users, writes: writes.count) else {
            events.emit(.info, .readbackVerified, script: script,
                        "read-back skipped: the list (~\((users + 29) / 30) pages) is far longer than \(writes.count) writes need; "
                        + "they are checked at the next full read of the list",
                        fields: ["verified": "0", "missing": "0", "deferred": "\(writes.count)"])
            return
        }
        guard let remote = await readBackList(script, tally: tally, pending: writes.count) else { return }
        let first = ReadBack.check(writes, remote: remote)
        await tally.add(.verified, first.verified.count)
        recordIds(first.verified, remote: remote, in: session)
        events.emit(first.missing.isEmpty ? .info : .warning, .readbackVerified, script: script,
                    "read back \(writes.count) writes: \(first.verified.count) as written, \(first.missing.count) not kept",
                    fields: ["verified": "\(first.verified.count)", "missing": "\(first.missing.count)"])
        guard !first.missing.isEmpty else { return }

        var resent: [ReadBack.Missing] = [], unsent: [ReadBack.Missing] = []
        let writer = RemoteWriter(client: client)
        for m in first.missing {
            guard !stopRequested, await !tally.stale else { unsent.append(m); continue }
            do {
                switch try await writer.perform(ReadBack.repair(m, actor: actor), in: session, now: run.now) {
                case .applied, .dryRun: resent.append(m)
                case .failed(let error):
                    if error.isStale { await reportStale(error, tally: tally) }
                    unsent.append(m)
                }
            } catch {
                await tally.storeFailed(script)
                unsent.append(m)
            }
        }
        var stillMissing = unsent
        if !resent.isEmpty, let again = await readBackList(script, tally: tally, pending: resent.count) {
            let second = ReadBack.check(resent.map(\.write), remote: again)
            await tally.add(.verified, second.verified.count)
            recordIds(second.verified, remote: again, in: session)
            await tally.add(.repaired, second.verified.count)
            for w in second.verified {
                events.emit(.notice, .readbackRepaired, script: script, user: w.username,
                            "\(w.operation.rawValue) \(w.username) was answered ok but not kept: sent again, now on the list",
                            fields: ["operation": w.operation.rawValue, "expiry": w.after.label])
            }
            stillMissing += second.missing.map { m in first.missing.first { $0.write == m.write } ?? m }
        } else {
            stillMissing += resent
        }
        for m in stillMissing { await toReview(m, in: session, run: run) }
    }

    private func recordIds(_ verified: [WrittenAccess], remote: [RemoteAccess], in session: ScriptSession) {
        let changes = session.read { ReadBack.idChanges(verified, remote: remote, state: $0) }
        guard !changes.isEmpty else { return }
        do { try session.commit(changes, durability: .deferred) } catch {
            events.emit(.warning, .storeFailed, script: session.scriptId, "could not record TradingView user ids: \(error)")
        }
    }

    /// The script's whole list, or nil (reported) when it cannot be read: those writes stay unverified.
    private func readBackList(_ scriptId: String, tally: RunTally, pending: Int) async -> [RemoteAccess]? {
        do { return try await client.listUsers(scriptId: scriptId) } catch {
            let error = RemoteError.wrap(error)
            if error.isStale { await reportStale(error, tally: tally) }
            await tally.add(.incomplete)
            events.emit(.error, .readbackFailed, script: scriptId,
                        "could not read the list back: \(pending) writes unverified (the audit checks them): \(error)",
                        fields: ["unverified": "\(pending)"])
            return nil
        }
    }

    /// Still not on the list after one more send: a person looks at it, and the event raises the alert.
    private func toReview(_ m: ReadBack.Missing, in session: ScriptSession, run: Run) async {
        let w = m.write
        let detail = "TradingView answered ok to \(w.operation.rawValue) \(w.username) (until \(w.after.label)) "
            + "but its list does not show it, also after one more send"
        events.emit(.error, .readbackMissing, script: w.scriptId, user: w.username, detail,
                    fields: ["operation": w.operation.rawValue, "expiry": w.after.label])
        let items = w.covers.map { c in
            ReviewItem(id: c.workId + ReviewItem.unverifiedSuffix, reason: .conflict, typedName: c.typedName, email: c.email ?? "",
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
