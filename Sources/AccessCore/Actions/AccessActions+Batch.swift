import Foundation

extension AccessActions {
    /// `batch-grant`: the dump's pending transactions, `batchSize` at a time, through the sync engine
    /// under the run lock; after each batch the sheet gets the batch's users (appended once, expiry
    /// refreshed) and is replaced atomically. Master data's processed set is the only progress record,
    /// shared with sync: a killed invocation resumes at its last commit. A dry run sends and writes nothing.
    func batchGrant(_ asked: BatchGrantRequest) async throws -> BatchGrantReport {
        var request = asked
        request.dryRun = try admit(asked.dryRun)
        return try await underSyncLock {
            var report = BatchGrantReport(dryRun: request.dryRun)
            report.transactions = request.transactions.count
            var sheet = request.sheet
            var states = try readStates()
            // A run killed after its last commit but before its sheet write: catch the sheet up first.
            if !request.dryRun { try updateSheet(&sheet, request, states: states, report: &report) }

            let split = BatchSelection.split(request.transactions, size: request.batchSize, products: settings.products,
                                             states: states)
            report.alreadyDone = split.done
            report.skipped = split.skipped
            let batches = request.maxBatches.map { Array(split.batches.prefix(max(0, $0))) } ?? split.batches

            var sent = 0
            for batch in batches {
                let preview = request.dryRun ? DryRunPreview(events.subscribe()) : nil
                let summary = try await engine.run(transactions: batch, kind: .batch, dryRun: request.dryRun)
                report.summary.add(summary)
                report.batches += 1
                sent += batch.count
                if let preview {
                    preview.apply(to: &sheet, writes: await preview.writes(), states: states, report: &report)
                } else {
                    states = try readStates()
                    try updateSheet(&sheet, request, states: states, report: &report)
                }
                if summary.stale { break }
            }
            report.remaining = request.dryRun ? split.pending - sent
                : BatchSelection.split(request.transactions, size: request.batchSize, products: settings.products,
                                       states: states).pending
            return report
        }
    }

    /// Every configured script's master data as it stands (each store opened and released).
    func readStates() throws -> [String: ScriptAccess] {
        var out: [String: ScriptAccess] = [:]
        for id in settings.scriptIds {
            let data = try store.openScript(id)
            out[id] = data.state
            store.releaseScript(data)
        }
        return out
    }

    private func updateSheet(_ sheet: inout AccessSheet, _ request: BatchGrantRequest, states: [String: ScriptAccess],
                             report: inout BatchGrantReport) throws {
        let (appended, updated) = SheetReconciler.reconcile(&sheet, transactions: request.transactions,
                                                            products: settings.products, states: states)
        guard !appended.isEmpty || !updated.isEmpty else { return }
        do { try sheet.write(to: request.csvPath) } catch {
            throw ActionError.store("could not write \(request.csvPath): \(error)")
        }
        report.appended += appended
        report.updated += updated
    }
}

/// The writes a dry-run batch would make, read from the engine's own `write.dryrun` and `write.unchanged`
/// events, so the sheet preview shows what a real run would append or refresh.
final class DryRunPreview: Sendable {
    struct Write: Sendable { var scriptId: String, username: String, expiration: String?, email: String? }
    private let collector: Task<[Write], Never>

    init(_ stream: AsyncStream<AccessEvent>) {
        collector = Task {
            var writes: [Write] = []
            for await e in stream {
                // Cancelling the consumer ends the subscription (the hub drops it); the loop then ends.
                if e.kind.endsRun { withUnsafeCurrentTask { $0?.cancel() }; continue }
                guard let script = e.script, let user = e.user else { continue }
                if e.kind == .writeDryRun {
                    let label = e.fields["expiry"] ?? ""
                    writes.append(Write(scriptId: script, username: user, expiration: label == "lifetime" ? "" : label, email: nil))
                } else if e.kind == .writeUnchanged {
                    writes.append(Write(scriptId: script, username: user, expiration: nil, email: nil))
                }
            }
            return writes
        }
    }

    func writes() async -> [Write] { await collector.value }

    /// `states`: master data before the batch, for the expiry of users a purchase leaves unchanged.
    func apply(to sheet: inout AccessSheet, writes: [Write], states: [String: ScriptAccess], report: inout BatchGrantReport) {
        var index = sheet.index()
        for var w in writes {
            if w.expiration == nil, let user = states[w.scriptId]?.user(w.username) {
                w.expiration = AccessSheet.format(user.expiry)
            }
            let key = AccessSheet.key(script: w.scriptId, user: w.username)
            if let row = index[key] {
                guard let expiration = w.expiration, AccessSheet.parseDate(expiration) != sheet.expiry(ofRow: row) else { continue }
                sheet.rows[row][sheet.expiryColumn] = expiration
                report.updated.append(.init(scriptId: w.scriptId, username: w.username, expiration: expiration))
            } else {
                let expiration = w.expiration ?? ""
                sheet.append(script: w.scriptId, user: w.username, expiry: AccessSheet.parseDate(expiration), email: w.email)
                index[key] = sheet.rows.count - 1
                report.appended.append(.init(scriptId: w.scriptId, username: w.username, expiration: expiration))
            }
        }
    }
}
