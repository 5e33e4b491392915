import Foundation

/// The last audit, as the daemon keeps it in `masterData/.audit.json` for `/status`, the alerts and the
/// console's Users pane (drifted users are marked there).
public struct AuditReport: Codable, Sendable, Hashable {
    public var startedAt: Date
    public var finishedAt: Date
    public var repair: AuditConfig.Repair
    public var scripts: [AuditScriptReport]
    /// When the daemon plans the next one (nil: no schedule).
    public var nextAt: Date?

    public static let fileName = ".audit.json"

    public func count(_ kind: AuditDrift.Kind) -> Int { scripts.reduce(0) { $0 + $1.count(kind) } }
    /// Drift nobody has put right yet: reported and not queued for repair.
    public var unrepaired: Int { scripts.reduce(0) { $0 + $1.drift.filter { !$0.repairQueued }.count } }
    public var repairsQueued: Int { scripts.reduce(0) { $0 + $1.repairsQueued } }
    public var failedScripts: Int { scripts.filter { $0.error != nil }.count }

    /// script id -> `Username.key` of each drifted user: what the console marks.
    public var drifted: [String: Set<String>] {
        Dictionary(uniqueKeysWithValues: scripts.map { s in (s.scriptId, Set(s.drift.map { Username.key($0.username) })) })
    }

    public static func read(directory: URL) -> AuditReport? {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(fileName).path) else { return nil }
        return try? DaemonStatusFile.decoder.decode(AuditReport.self, from: data)
    }

    public func write(directory: URL) throws {
        let data = try DaemonStatusFile.encoder.encode(self)
        try DurableFile.replace(directory.appendingPathComponent(Self.fileName).path, with: Array(data))
    }
}

extension AccessActions {
    /// The scheduled audit (issue 18): every script's whole list against master data. The list is read page
    /// by page without any lock, paced to half the TradingView rate budget (`Audit.pagePause`), so purchases
    /// keep flowing while a 100k-user list takes its hours; then, under the run lock for a moment, the
    /// comparison: renames followed, drift reported (`audit.drift`), repairs queued as retry items per
    /// `repair`, users pending read-back verified. The queued repairs go out with the next sync (the daemon
    /// asks for one). `pause`: seconds between pages (nil: from the configured rate).
    /// In a dry run nothing is committed: drift is reported, no repair queued, no rename followed.
    func audit(repair: AuditConfig.Repair, dryRun requested: Bool = false, pause: Double? = nil,
               lockWait: Duration = .seconds(600)) async -> AuditReport {
        // Read-only or dry run: the lists are read and compared, nothing is followed or queued.
        let dryRun = (try? admit(requested)) ?? true
        let started = now
        var scripts: [AuditScriptReport] = []
        for script in settings.scriptIds {
            if engine.stopRequested || Task.isCancelled { break }
            scripts.append(await auditScript(script, repair: repair, dryRun: dryRun, pause: pause ?? Audit.pagePause(ratePerMinute: settings.ratePerMinute),
                                             lockWait: lockWait))
        }
        let report = AuditReport(startedAt: started, finishedAt: now, repair: repair, scripts: scripts)
        let fields = ["unkept": "\(report.count(.unkept))", "removed": "\(report.count(.removed))", "added": "\(report.count(.added))",
                      "changed": "\(report.count(.changed))", "repairs": "\(report.repairsQueued)",
                      "renamed": "\(scripts.reduce(0) { $0 + $1.renamed })", "verified": "\(scripts.reduce(0) { $0 + $1.verified })",
                      "failed": "\(report.failedScripts)"]
        let drifted = report.scripts.reduce(0) { $0 + $1.drift.count }
        events.emit(drifted > 0 || report.failedScripts > 0 ? .warning : .notice, .auditDone,
                    "audit done: \(drifted) users differ from TradingView (\(report.count(.unkept)) own writes not kept, "
                    + "\(report.count(.removed)) removed, \(report.count(.added)) added, \(report.count(.changed)) changed there), "
                    + "\(report.repairsQueued) repairs queued (repair \(repair.rawValue))"
                    + (report.failedScripts > 0 ? ", \(report.failedScripts) scripts not read" : ""), fields: fields)
        return report
    }

    private func auditScript(_ script: String, repair: AuditConfig.Repair, dryRun: Bool, pause: Double,
                             lockWait: Duration) async -> AuditScriptReport {
        var report = AuditScriptReport(scriptId: script)
        let listStarted = now
        let remote: [RemoteAccess]
        do {
            (remote, report.pages) = try await pacedList(script, pause: pause)
        } catch {
            if Task.isCancelled { report.error = "stopped"; return report }  // the daemon is stopping: not a failure
            let e = RemoteError.wrap(error)
            if e.isStale { engine.onSessionStale?(e.description) }
            report.error = e.description
            events.emit(.error, .auditFailed, script: script, "audit: the list could not be read: \(e)")
            return report
        }
        // The comparison needs master data as it is now, without a run writing in between: a moment under the lock.
        let clock = ContinuousClock(), deadline = clock.now + lockWait
        while true {
            do {
                return try await underSyncLock {
                    try await withSession(script, dryRun: dryRun) { session in
                        try commitAudit(session, remote: remote, repair: repair, listStarted: listStarted, report: report)
                    }
                }
            } catch let error as ActionError {
                if case .syncRunning = error, clock.now < deadline, !engine.stopRequested {
                    try? await Task.sleep(for: .seconds(1))  // a run holds the lock: the comparison waits for its end
                    continue
                }
                if case .scriptBusy = error, clock.now < deadline, !engine.stopRequested {
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                report.error = error.description
            } catch {
                report.error = String(describing: error)
            }
            events.emit(.error, .auditFailed, script: script, "audit: could not compare with master data: \(report.error ?? "")")
            return report
        }
    }

    private func commitAudit(_ session: ScriptSession, remote: [RemoteAccess], repair: AuditConfig.Repair, listStarted: Date,
                             report: AuditScriptReport) throws -> AuditScriptReport {
        let script = session.scriptId
        // A script never synced has no master data to compare: its first run compares (adoption), not the audit.
        guard session.read(\.bootstrapped) else {
            var skipped = report
            skipped.error = "not synced yet: the first sync compares it with TradingView"
            return skipped
        }
        let pending = engine.pending?.users(of: script) ?? []
        let found = session.read { Audit.compare($0, remote: remote, pending: pending, repair: repair, listStarted: listStarted,
                                                   now: now, actor: actorName) }
        var outcome = found
        if session.dryRun {
            for i in outcome.report.drift.indices { outcome.report.drift[i].repairQueued = false }
            outcome.renames = []
        } else {
            try commit(session, outcome.changes)
            if !outcome.verifiedPending.isEmpty { try? engine.pending?.clear(script, users: outcome.verifiedPending) }
        }
        for r in outcome.renames {
            events.emit(.notice, .userRenamed, script: script, user: r.to,
                        "\(r.from) is now \(r.to) on TradingView (the same account): master data follows", fields: ["from": r.from, "to": r.to])
        }
        // One event per drifted user, up to a bound: a TradingView reset can lose thousands (the counts are in audit.done).
        for d in outcome.report.drift.prefix(Self.driftEventsPerScript) {
            let level: EventLevel = d.kind.isForeign ? .warning : .error
            events.emit(level, .auditDrift, script: script, user: d.username,
                        "\(d.kind.rawValue): here \(d.local), on TradingView \(d.remote)"
                        + (d.repairQueued ? "; repair queued" : "; reported, not repaired (audit.repair = \(repair.rawValue))"),
                        fields: ["kind": d.kind.rawValue, "local": d.local, "remote": d.remote, "repair": "\(d.repairQueued)"])
        }
        var result = outcome.report
        result.pages = report.pages
        return result
    }

    static let driftEventsPerScript = 200

    /// The whole list, one page at a time with `pause` seconds between pages.
    private func pacedList(_ script: String, pause: Double) async throws -> ([RemoteAccess], Int) {
        var chain = ListChain()
        var cursor: ListCursor?
        var pages = 0
        repeat {
            if pages > 0, pause > 0 { try await Task.sleep(for: .milliseconds(Int64(pause * 1000))) }
            if engine.stopRequested { throw CancellationError() }
            cursor = try chain.add(try await client.listPage(scriptId: script, after: cursor))
            pages += 1
        } while cursor != nil
        return (chain.users, pages)
    }
}
