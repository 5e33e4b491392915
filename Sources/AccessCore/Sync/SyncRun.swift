import Foundation

/// Executes planned steps of one pass: validation, the write through the journal, and what each
/// outcome leaves behind (history, retry item, review item). Shared by all tasks of the pass.
struct Run: Sendable {
    let engine: SyncEngine
    let tally: RunTally
    let validator: NameValidator
    let mail: MailLedger
    let now: Date

    private var events: EventHub { engine.events }

    /// `intents`: opened ahead by `openIntentsAhead` (nil: the write journals its own before sending).
    func execute(_ planned: PlannedWrite, in session: ScriptSession, intents: [WriteIntent]?) async {
        await perform(planned, in: session, intents: intents)
        await tally.stepDone()
    }

    /// Journals the intents of every write whose name is already known, one durable commit per script,
    /// so no write waits for the disk on its own before it is sent. An intent whose write is never sent
    /// is harmless: settlement finds it did not land and its work is planned again. Returns each write's
    /// intents, or nil where they could not be journaled (that write then journals its own).
    func openIntentsAhead(_ writes: [(ScriptSession, PlannedWrite)]) -> [[WriteIntent]?] {
        var result = [[WriteIntent]?](repeating: nil, count: writes.count)
        markPending(writes)
        var byScript: [String: [Int]] = [:]
        for (i, (session, w)) in writes.enumerated() where !session.dryRun && !w.needsValidation && !w.changesNothing {
            result[i] = RemoteWriter.intents(for: command(w), now: now)
            byScript[session.scriptId, default: []].append(i)
        }
        for indices in byScript.values {
            let session = writes[indices[0]].0
            do {
                try session.commit(indices.flatMap { result[$0]! }.map { .openIntent($0) })
            } catch {
                for i in indices { result[i] = nil }
            }
        }
        return result
    }

    /// Every write about to go out is pending read-back, on disk before any of them is sent (one flush per
    /// script): a kill from here on leaves them for the next read-back. A name still to be validated is
    /// marked by its typed spelling's key (the same key as TradingView's spelling). If the record cannot be
    /// written the writes still go: this run's read-back checks them, only a kill would leave them to the audit.
    private func markPending(_ writes: [(ScriptSession, PlannedWrite)]) {
        guard let pending = engine.pending else { return }
        var byScript: [String: [String]] = [:]
        for (session, w) in writes where !session.dryRun && !w.changesNothing { byScript[session.scriptId, default: []].append(w.key) }
        for (script, keys) in byScript {
            do { try pending.mark(script, users: keys) } catch {
                events.emit(.warning, .storeFailed, script: script, "could not record writes as pending read-back: \(error)")
            }
        }
    }

    private func perform(_ planned: PlannedWrite, in session: ScriptSession, intents: [WriteIntent]?) async {
        var write = planned
        let closeIntents: [AccessChange] = (intents ?? []).map { .closeIntent(id: $0.id) }
        if engine.stopRequested { return leaveForLater(write, in: session, closing: closeIntents) }
        if await tally.stale { return await queueStale(write, in: session, also: closeIntents) }
        var tvUserId: Int?
        do {
            if write.needsValidation {
                let account: RemoteAccount?
                do { account = try await validator.account(write.username) } catch {
                    return try await failed(write, RemoteError.wrap(error), in: session)
                }
                guard let account else { return try await invalidName(write, in: session) }
                write.username = account.username
                tvUserId = account.id
                if let id = account.id { try await followRename(&write, id: id, in: session) }
            }
            if write.changesNothing { return try await unchanged(write, in: session) }
            if engine.stopRequested { return leaveForLater(write, in: session, closing: closeIntents) }
            if await tally.stale { return await queueStale(write, in: session, also: closeIntents) }
            var cmd = command(write)
            cmd.tvUserId = tvUserId
            let outcome = try await RemoteWriter(client: engine.client).perform(cmd, in: session, now: now,
                                                                               openedIntents: intents)
            switch outcome {
            case .applied, .dryRun: await applied(write, dryRun: outcome.isDryRun, in: session)
            case .failed(let error): try await failed(write, error, in: session)
            }
        } catch {
            await tally.add(.failed)
            await tally.storeFailed(session.scriptId)
            events.emit(.error, .writeFailed, script: session.scriptId, user: write.username,
                        "master data could not record \(write.operation.rawValue): \(error)",
                        fields: ["operation": write.operation.rawValue])
        }
    }

    /// The account TradingView knows by `id` is in master data under another name: the user renamed
    /// (TradingView allows it once; access stays with the account). Master data follows, history and all,
    /// and the write is planned again from the account's access, so the purchase extends what it holds:
    /// one write, no new user, no orphan row.
    private func followRename(_ write: inout PlannedWrite, id: Int, in session: ScriptSession) async throws {
        guard write.operation != .revoke else { return }
        let newKey = Username.key(write.username)
        guard let old = session.read({ $0.users.values.first { $0.tvUserId == id && Username.key($0.username) != newKey } })
        else { return }
        var moved = old
        moved.username = write.username
        moved.history.append(HistoryEntry(at: now, actor: engine.actor, action: "renamed", expiry: old.expiry,
                                          result: session.dryRun ? "dry-run" : "ok"))
        try session.commit([.removeUser(username: old.username), .upsertUser(moved)])
        events.emit(.notice, .userRenamed, script: session.scriptId, user: write.username,
                    "\(old.username) is now \(write.username) on TradingView (the same account): master data follows",
                    fields: ["from": old.username, "to": write.username])
        let before = AccessState(moved)
        var after = before
        for c in write.covers { if let term = c.term { after = after.applying(term, stacking: c.stacking, now: now) } }
        write.key = newKey
        write.before = before
        write.after = after
        write.operation = before.isActive(at: now) ? .extend : .grant
    }

    /// Shutdown: the write is not sent. Its intents opened ahead are closed; the purchase stays
    /// unprocessed (a retry item stays queued as it was), so the next run plans it again.
    private func leaveForLater(_ w: PlannedWrite, in session: ScriptSession, closing intents: [AccessChange]) {
        guard !intents.isEmpty else { return }
        do { try session.commit(intents) } catch {
            events.emit(.error, .storeFailed, script: w.scriptId, user: w.username,
                        "could not close the intent of an unsent write (settled on the next start): \(error)")
        }
    }

    func command(_ w: PlannedWrite) -> WriteCommand {
        WriteCommand(scriptId: w.scriptId, operation: w.operation, username: w.username, before: w.before, after: w.after,
                     covers: w.covers, email: w.email, wpUsername: w.wpUsername, actor: engine.actor,
                     action: w.isRepair ? "repair-\(w.operation.rawValue)" : w.operation.rawValue)
    }

    private func applied(_ w: PlannedWrite, dryRun: Bool, in session: ScriptSession) async {
        // A repair sends again what was counted when it was first written: read-back counts it (`repaired`).
        if !w.isRepair {
            await tally.add(.processed, w.covers.count)
            switch w.operation {
            case .grant: await tally.add(.granted)
            case .extend: await tally.add(.extended)
            case .revoke: await tally.add(.revoked)
            }
        }
        let fields = ["operation": w.operation.rawValue, "expiry": w.after.label, "before": w.before.label,
                      "transactions": w.covers.map(\.workId).joined(separator: ",")]
        if dryRun {
            events.emit(.info, .writeDryRun, script: w.scriptId, user: w.username,
                        "dry run: would \(w.operation.rawValue) \(w.username) until \(w.after.label)", fields: fields)
        } else {
            await tally.wrote(WrittenAccess(w))
            events.emit(.info, .writeApplied(w.operation), script: w.scriptId, user: w.username,
                        "\(w.operation.rawValue) \(w.username): until \(w.after.label)", fields: fields)
        }
    }

    /// A known user the purchases do not change (lifetime, or a non-stacking purchase ending sooner).
    private func unchanged(_ w: PlannedWrite, in session: ScriptSession) async throws {
        var cmd = command(w)
        cmd.action = "\(w.operation.rawValue)-unchanged"
        let changes = session.read { RemoteWriter.resultChanges(cmd, state: $0, result: session.dryRun ? "dry-run" : "ok", now: now) }
        try session.commit(changes)
        await tally.add(.processed, w.covers.count)
        events.emit(.info, .writeUnchanged, script: w.scriptId, user: w.username,
                    "\(w.username) already has access until \(w.after.label): nothing to send",
                    fields: ["transactions": w.covers.map(\.workId).joined(separator: ",")])
    }

    private func failed(_ w: PlannedWrite, _ error: RemoteError, in session: ScriptSession) async throws {
        switch error {
        case .sessionStale:
            await engine.reportStale(error, tally: tally)
            await queueStale(w, in: session)
        case .rejected:
            await tally.add(.failed)
            events.emit(.error, .writeFailed, script: w.scriptId, user: w.username,
                        "\(w.operation.rawValue) \(w.username) rejected: \(error)", fields: ["operation": w.operation.rawValue, "actor": engine.actor])
            for cover in w.covers {
                try await addReview(conflict(cover, w, detail: error.description), dropRetry: cover.retry?.id, in: session)
            }
        case .transient, .malformed, .notConfigured:
            await tally.add(.failed)
            events.emit(.warning, .writeFailed, script: w.scriptId, user: w.username,
                        "\(w.operation.rawValue) \(w.username) failed: \(error)", fields: ["operation": w.operation.rawValue, "actor": engine.actor])
            try await queueRetry(w, error, in: session)
        }
    }

    private func queueRetry(_ w: PlannedWrite, _ error: RemoteError, in session: ScriptSession) async throws {
        var retryAfter: TimeInterval?
        if case .transient(_, let after) = error { retryAfter = after }
        for cover in w.covers {
            let attempts = (cover.retry?.attempts ?? 0) + 1
            if attempts >= engine.settings.maxAttempts {
                try await addReview(conflict(cover, w, detail: "gave up after \(attempts) attempts: \(error)"),
                                    dropRetry: cover.retry?.id, in: session)
                continue
            }
            let item = retryItem(cover, w, attempts: attempts, error: error.description,
                                 next: engine.settings.nextAttempt(after: attempts, now: now, retryAfter: retryAfter))
            try session.commit([.putRetry(item)])
            await tally.add(.retry)
            events.emit(.warning, session.dryRun ? .retryWouldAdd : .retryAdded, script: w.scriptId, user: w.username,
                        "\(w.operation.rawValue) \(w.username) \(session.dryRun ? "would be queued" : "queued") for retry (attempt \(attempts))",
                        fields: ["id": item.id, "attempts": "\(attempts)", "nextAttemptAt": ISODate.format(item.nextAttemptAt),
                                 "actor": engine.actor])
        }
    }

    /// Keeps unapplied work queued without counting an attempt: the fault is the session, not the item.
    /// `also`: the write's intents opened ahead, closed in the same commit since it is not sent.
    private func queueStale(_ w: PlannedWrite, in session: ScriptSession, also: [AccessChange] = []) async {
        let items = w.covers.map { retryItem($0, w, attempts: $0.retry?.attempts ?? 0, error: "session stale", next: now) }
        do {
            try session.commit(items.map { .putRetry($0) } + also)
            await tally.add(.retry, items.count)
            events.emit(.warning, session.dryRun ? .retryWouldAdd : .retryAdded, script: w.scriptId, user: w.username,
                        "\(w.operation.rawValue) \(w.username) \(session.dryRun ? "would be kept" : "kept") queued: session stale",
                        fields: ["ids": items.map(\.id).joined(separator: ","), "reason": "session stale"])
        } catch {
            await tally.storeFailed(session.scriptId)
            events.emit(.error, .storeFailed, script: w.scriptId, user: w.username, "could not queue work: \(error)")
        }
    }

    private func retryItem(_ c: SyncWork, _ w: PlannedWrite, attempts: Int, error: String, next: Date) -> RetryItem {
        RetryItem(id: c.workId, operation: w.operation, username: w.username, email: c.email, term: c.term,
                  transactionId: c.transactionId, attempts: attempts, nextAttemptAt: next, lastError: error,
                  createdAt: c.retry?.createdAt ?? c.createdAt, plannedAt: c.retry?.plannedAt ?? now,
                  purchaseEnds: c.purchaseEnd?.storedDate, quiet: w.unmailed.contains(c.workId) ? true : nil)
    }

    func conflict(_ c: SyncWork, _ w: PlannedWrite, detail: String) -> ReviewItem {
        ReviewItem(id: c.workId, reason: .conflict, typedName: c.typedName, email: c.email ?? "",
                   transactionId: c.transactionId ?? c.workId, productId: c.productId ?? "", term: c.term,
                   detail: detail, createdAt: now, purchaseEnds: c.purchaseEnd?.storedDate)
    }

    /// The name does not exist on TradingView: each purchase to review (processed, so no storm), one email.
    private func invalidName(_ w: PlannedWrite, in session: ScriptSession) async throws {
        for c in w.covers {
            let item = ReviewItem(id: c.workId, reason: .invalidUsername, typedName: c.typedName, email: c.email ?? "",
                                  transactionId: c.transactionId ?? c.workId, productId: c.productId ?? "", term: c.term,
                                  detail: "TradingView has no user named \"\(w.username)\"", createdAt: now,
                                  purchaseEnds: c.purchaseEnd?.storedDate)
            let processed = session.read { RemoteWriter.doneChanges(for: [c.workId], state: $0) }
            try await addReview(item, also: processed, sendEmail: !w.unmailed.contains(c.workId), in: session)
        }
    }

    func addPlannedReview(_ r: PlannedReview, in session: ScriptSession) async {
        do {
            try await addReview(r.item, dropRetry: r.dropRetry, also: r.markProcessed.map { .markProcessed(transactionId: $0) },
                                sendEmail: r.sendEmail, in: session)
        } catch {
            await tally.storeFailed(session.scriptId)
            events.emit(.error, .storeFailed, script: session.scriptId, "could not add review item \(r.item.id): \(error)")
        }
        await tally.stepDone()
    }

    private func addReview(_ item: ReviewItem, dropRetry: String? = nil, also: [AccessChange] = [], sendEmail: Bool = false,
                           in session: ScriptSession) async throws {
        try session.commit([.putReview(item)] + (dropRetry.map { [.dropRetry(id: $0)] } ?? []) + also)
        await tally.add(.review)
        await tally.add(.processed)
        events.emit(.warning, session.dryRun ? .reviewWouldAdd : .reviewAdded, script: session.scriptId, user: item.typedName,
                    "\(session.dryRun ? "would add: " : "")\(item.reason.rawValue): \(item.detail)",
                    fields: ["id": item.id, "reason": item.reason.rawValue, "transaction": item.transactionId, "actor": engine.actor])
        if sendEmail { await email(item, in: session) }
    }

    private func email(_ item: ReviewItem, in session: ScriptSession) async {
        guard !session.dryRun, let mailer = engine.mailer, item.email.contains("@") else { return }
        let message = InvalidUsernameMail.message(for: item, settings: engine.settings)
        let events = self.events
        let outcome = await mail.once(to: item.email, transaction: item.transactionId) {
            do { try await mailer.send(message); return true } catch {
                events.emit(.error, .mailFailed, script: session.scriptId, user: item.typedName,
                            "invalid-username email to the customer failed: \(error)", fields: ["review": item.id])
                return false
            }
        }
        if outcome == .alreadySent {
            events.emit(.info, .mailSkipped, script: session.scriptId, user: item.typedName,
                        "invalid-username email for purchase \(item.transactionId) went out before: not sent again",
                        fields: ["review": item.id])
        }
        guard outcome == .sent else { return }
        // The customer's story (`history --user`) tells that the mail went: the review item forgets it once resolved.
        events.emit(.info, .mailSent, script: session.scriptId, user: item.typedName,
                    "invalid-username email sent to the customer for purchase \(item.transactionId)",
                    fields: ["review": item.id, "transaction": item.transactionId, "actor": engine.actor])
        var updated = item
        updated.emailSentAt = now
        do { try session.commit([.putReview(updated)]) } catch {
            events.emit(.error, .storeFailed, script: session.scriptId, "email sent but not recorded for review \(item.id): \(error)")
        }
    }
}

extension WriteOutcome {
    var isDryRun: Bool { if case .dryRun = self { return true }; return false }
}
