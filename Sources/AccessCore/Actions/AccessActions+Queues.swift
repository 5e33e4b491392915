import Foundation

extension AccessActions {
    /// Attempts one retry item now, whatever its next-attempt time.
    func retryNow(script: String, id: String, dryRun: Bool = false) async throws -> SyncSummary {
        try await audited(.retry, script: script, dryRun: dryRun) { dryRun in
            let exists = try await withSession(script, dryRun: true) { $0.state.retryQueue[id] != nil }
            guard exists else { throw ActionError.retryNotFound(script: script, id: id) }
            let s = try await underSyncLock { try await engine.retryNow(scriptId: script, ids: [id], dryRun: dryRun) }
            if s.stale { throw ActionError.sessionStale(queued: s.retry) }
            return (s, "retry \(id): \(s.granted + s.extended + s.revoked) applied, \(s.retry) still queued, \(s.review) to review")
        }
    }

    /// Attempts every retry item of one script (nil = of every script) now.
    func retryAll(script: String? = nil, dryRun: Bool = false) async throws -> SyncSummary {
        try await audited(.retry, script: script, dryRun: dryRun) { dryRun in
            if let script { try checkScript(script) }
            var total = SyncSummary(dryRun: dryRun)
            try await underSyncLock {
                for sid in script.map({ [$0] }) ?? settings.scriptIds {
                    let s = try await engine.retryNow(scriptId: sid, ids: nil, dryRun: dryRun)
                    total.add(s)
                    if s.stale { break }
                }
            }
            if total.stale { throw ActionError.sessionStale(queued: total.retry) }
            return (total, "retry all: \(total.granted + total.extended + total.revoked) applied, \(total.retry) still queued, \(total.review) to review")
        }
    }

    /// Gives up on a retry item: its transaction counts as processed and will not come back.
    /// A dry run checks the item and says what would happen, changing nothing.
    func dropRetry(script: String, id: String, dryRun: Bool = false) async throws {
        try await audited(.retryDrop, script: script, dryRun: dryRun) { dryRun in
            try await withSession(script, dryRun: dryRun) { session in
                guard let item = session.state.retryQueue[id] else { throw ActionError.retryNotFound(script: script, id: id) }
                try commit(session, [.dropRetry(id: id)] + (item.transactionId.map { [.markProcessed(transactionId: $0)] } ?? []))
                try note(session, user: item.username, action: "drop-retry", transactionId: item.transactionId,
                         result: "dropped by hand; last error: \(item.lastError)")
                return ((), "\(dryRun ? "would drop" : "dropped") retry \(id) (\(item.operation.rawValue) \(item.username))")
            }
        }
    }

    /// Grants what a review item's purchase entitles, under `newName` (nil = as typed): validates the name,
    /// applies the product's term and stacking, then drops the item and marks the transaction processed.
    func resolveReview(script: String, id: String, newName: String?, dryRun: Bool = false) async throws -> ActionReport {
        try await audited(.reviewResolve, script: script, user: newName, dryRun: dryRun) { dryRun in
            try await withSession(script, dryRun: dryRun) { session in
                guard let item = session.state.reviewQueue[id] else { throw ActionError.reviewNotFound(script: script, id: id) }
                guard item.reason != .refund else {
                    throw ActionError.cannotResolve(script: script, id: id, detail: "a refund is decided by revoke or dismiss, not by a grant")
                }
                guard let term = item.term else {
                    throw ActionError.cannotResolve(script: script, id: id, detail: "the item has no term: grant by hand, then dismiss it")
                }
                let name = try await canonicalName(newName ?? item.typedName, in: session)
                let stacking = settings.products[item.productId]?.scripts.first { $0.scriptId == script }?.stacking ?? false
                let work = SyncWork(workId: item.id, transactionId: item.transactionId, scriptId: script, typedName: name,
                                    email: item.email.isEmpty ? nil : item.email, wpUsername: nil, productId: item.productId,
                                    term: term, stacking: stacking, createdAt: item.createdAt, purchaseEnd: item.purchaseEnd)
                let report = try await change(session, user: name, kind: stacking ? .extend : .grant, term: term, covers: [work])
                let by = actorName == ActorName.customerViaLink ? " by the customer (fix link)" : ""
                return (report, "review \(id) \(dryRun ? "would be resolved" : "resolved") as \(name)\(by): \(report.detail)")
            }
        }
    }

    /// Closes a review item without a grant; its transaction counts as processed.
    /// A dry run checks the item and says what would happen, changing nothing.
    func dismissReview(script: String, id: String, reason: String, dryRun: Bool = false) async throws {
        try await audited(.reviewDismiss, script: script, dryRun: dryRun) { dryRun in
            try await withSession(script, dryRun: dryRun) { session in
                guard let item = session.state.reviewQueue[id] else { throw ActionError.reviewNotFound(script: script, id: id) }
                var changes: [AccessChange] = [.dropReview(id: id)]
                if item.reason != .refund && !SyncWork.isManual(item.transactionId) {
                    changes.append(.markProcessed(transactionId: item.transactionId))
                }
                try commit(session, changes)
                if let name = Username.normalize(item.typedName) {
                    try note(session, user: name, action: "dismiss-review", transactionId: item.transactionId,
                             result: "dismissed (\(item.reason.rawValue)): \(reason)")
                }
                return ((), "review \(id) \(dryRun ? "would be dismissed" : "dismissed"): \(reason)")
            }
        }
    }

    /// Sends the invalid-username email of a review item again.
    func resendReviewEmail(script: String, id: String, dryRun: Bool = false) async throws {
        try await audited(.reviewEmail, script: script, dryRun: dryRun) { dryRun in
            guard let mailer else { throw ActionError.notConfigured("email: no SMTP settings in config.json") }
            return try await withSession(script, dryRun: dryRun) { session in
                guard let item = session.state.reviewQueue[id] else { throw ActionError.reviewNotFound(script: script, id: id) }
                guard item.reason != .refund else {
                    throw ActionError.cannotResolve(script: script, id: id, detail: "a refund gets no username email")
                }
                guard item.email.contains("@") else {
                    throw ActionError.cannotResolve(script: script, id: id, detail: "the customer left no email address")
                }
                guard !dryRun else { return ((), "the invalid-username email for review \(id) would be sent again; nothing sent") }
                let message = InvalidUsernameMail.message(for: item, settings: settings)
                do { try await mailer.send(message) } catch { throw ActionError.mail(String(describing: error)) }
                var sent = item
                sent.emailSentAt = now
                try commit(session, [.putReview(sent)])
                return ((), "invalid-username email for review \(id) sent again")
            }
        }
    }

    func underSyncLock<T>(_ body: () async throws -> T) async throws -> T {
        let release = try runLock?.acquireSyncLock()
        defer { release?() }
        do { return try await body() } catch let e as SyncError { throw ActionError.store(e.description) }
    }
}

extension SyncSummary {
    mutating func add(_ o: SyncSummary) {
        processed += o.processed; granted += o.granted; extended += o.extended; revoked += o.revoked
        review += o.review; retry += o.retry; failed += o.failed; skipped += o.skipped; incomplete += o.incomplete
        verified += o.verified; repaired += o.repaired
        stale = stale || o.stale; durationSeconds += o.durationSeconds
    }
}
