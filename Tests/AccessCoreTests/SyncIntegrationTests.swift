import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// What the transactions entitle, worked out here from the sandbox's own data and the access rules,
/// without the engine's planner: the yardstick the end state of the sandbox is held to.
struct Entitlement {
    /// script -> TradingView spelling -> expiry (nil = lifetime); starts from the seed's access.
    var access: [String: [String: Date?]]
    /// The seed's access before any run.
    var seedAccess: [String: [String: Date?]] = [:]
    /// Transaction id -> scripts, for purchases whose name TradingView does not know (or no name).
    var invalid: [Int: [String]] = [:]
    var refunds: [Int: [String]] = [:]
    var ignored: [Int] = []
    /// Lower-cased names the engine must ask TradingView about: not on any script's list yet.
    var toValidate: Set<String> = []
    /// (transaction, script) pairs that change or confirm access.
    var appliedPairs = 0
    /// (script, user) pairs whose access changes: the writes a sync owes.
    var changed: Set<String> = []

    static func utcAdd(_ term: AccessTerm, _ date: Date) -> Date? {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        switch term.description.last {
        case "D": return cal.date(byAdding: .day, value: Int(term.description.dropLast())!, to: date)
        case "M": return cal.date(byAdding: .month, value: Int(term.description.dropLast())!, to: date)
        case "Y": return cal.date(byAdding: .year, value: Int(term.description.dropLast())!, to: date)
        default: return nil
        }
    }

    /// Trim, drop a leading @, take NAME out of a profile link.
    static func normalize(_ typed: String) -> String? {
        var s = typed.trimmingCharacters(in: .whitespaces)
        if let r = s.range(of: "tradingview.com/u/") { s = String(s[r.upperBound...]) }
        s = s.split(separator: "/").first.map(String.init) ?? ""
        if s.hasPrefix("@") { s.removeFirst() }
        return s.isEmpty ? nil : s
    }

    /// A first run on a live business (docs/ARCHITECTURE.md, "First run"): per (script, user) the purchases,
    /// each counted from its own date, entitle an expiry; TradingView's access that covers it stays without a
    /// write, less than it is written up to it once, an entitlement that ended grants nothing. Names are
    /// looked up (and invalid ones reviewed) only for purchases still running; refunds are reviewed only
    /// where TradingView still grants the user something.
    init(transactions: [SandboxTransaction], products: [String: ProductConfig], before: [String: [String: Date?]],
         accounts: [String], now: Date) {
        access = before
        seedAccess = before
        let listed = Set(before.values.flatMap { $0.keys.map { $0.lowercased() } })
        let canonical = Dictionary(accounts.map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        func heldActive(_ sid: String, _ name: String) -> Bool {
            guard let held = before[sid]?[name] else { return false }
            return held.map { $0 > now } ?? true
        }
        /// nil = lifetime; .some(date) may lie in the past (ended).
        var entitled: [String: Date?] = [:]
        var order: [(String, String, String)] = []   // (key, script, typed lower-cased)
        for tx in transactions.sorted(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) {
            let scripts = products[String(tx.productId)]?.scripts ?? []
            let typed = Self.normalize(tx.tradingviewUsername)
            switch tx.status {
            case "complete", "confirmed": break
            case "refunded":
                let name = typed.flatMap { canonical[$0.lowercased()] }
                let held = scripts.map(\.scriptId).filter { sid in name.map { heldActive(sid, $0) } ?? false }
                if !held.isEmpty { refunds[tx.id] = held }
                continue
            default: ignored.append(tx.id); continue
            }
            guard let t = typed else {
                // Not a name at all: reviewed while this purchase alone still runs.
                let running = scripts.filter { s in s.term.isLifetime || Self.utcAdd(s.term, tx.createdAt)! > now }
                if !running.isEmpty { invalid[tx.id] = running.map(\.scriptId) }
                continue
            }
            let name = canonical[t.lowercased()] ?? t
            for s in scripts {
                appliedPairs += 1
                let key = "\(s.scriptId)|\(name.lowercased())"
                if entitled[key] == nil { order.append((key, s.scriptId, name)) }
                let current: Date?? = entitled[key]
                let next: Date?
                switch current {
                case .none: next = s.term.isLifetime ? nil : Self.utcAdd(s.term, tx.createdAt)
                case .some(.none): next = nil
                case .some(.some(let until)):
                    if s.term.isLifetime { next = nil } else if s.stacking {
                        next = Self.utcAdd(s.term, max(tx.createdAt, until))
                    } else {
                        next = max(until, Self.utcAdd(s.term, tx.createdAt)!)
                    }
                }
                entitled[key] = .some(next)
            }
        }
        for (key, sid, name) in order {
            let owed = entitled[key]!
            if let end = owed, end <= now { continue }                      // ended before the first run
            let account = canonical[name.lowercased()]
            let held: Date?? = account.flatMap { before[sid]?[$0] }
            let covered: Bool
            switch (held, owed) {
            case (.some(.none), _): covered = true                          // lifetime held
            case (.some(.some(let h)), .some(let e)): covered = h > now && h.timeIntervalSince(e) > -1
            default: covered = false
            }
            if covered { continue }
            if !listed.contains(name.lowercased()) { toValidate.insert(name.lowercased()) }
            guard let account else {
                for tx in transactions where Self.normalize(tx.tradingviewUsername)?.lowercased() == name.lowercased()
                    && (tx.status == "complete" || tx.status == "confirmed") {
                    invalid[tx.id, default: []].append(sid)
                }
                continue
            }
            changed.insert("\(sid)|\(account)")
            access[sid, default: [:]][account] = .some(owed)
        }
    }

    /// The rule of a batch (and of every run after the first): each purchase from the run's time, on top of
    /// the access master data started from.
    init(fromRun transactions: [SandboxTransaction], products: [String: ProductConfig], before: [String: [String: Date?]],
         accounts: [String], now: Date) {
        seedAccess = before
        access = before
        let listed = Set(before.values.flatMap { $0.keys.map { $0.lowercased() } })
        let canonical = Dictionary(accounts.map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        for tx in transactions.sorted(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) {
            let scripts = products[String(tx.productId)]?.scripts ?? []
            switch tx.status {
            case "complete", "confirmed": break
            case "refunded": refunds[tx.id] = scripts.map(\.scriptId); continue
            default: ignored.append(tx.id); continue
            }
            let typed = Self.normalize(tx.tradingviewUsername)
            if let t = typed, !listed.contains(t.lowercased()) { toValidate.insert(t.lowercased()) }
            guard let name = typed.flatMap({ canonical[$0.lowercased()] }) else {
                invalid[tx.id] = scripts.map(\.scriptId); continue
            }
            for s in scripts {
                appliedPairs += 1
                let current = access[s.scriptId]?[name]
                let next: Date?
                switch current {
                case .none: next = Self.utcAdd(s.term, now)                          // never had it
                case .some(.none): next = nil                                        // lifetime stays
                case .some(.some(let until)):
                    if s.term.isLifetime { next = nil } else if s.stacking {
                        next = Self.utcAdd(s.term, max(now, until))
                    } else {
                        next = max(until, Self.utcAdd(s.term, now)!)
                    }
                }
                if current == nil || current! != next { changed.insert("\(s.scriptId)|\(name)") }
                access[s.scriptId, default: [:]][name] = .some(next)
            }
        }
    }

}

/// Runs `body` with a fresh rig and always shuts the sandbox down.
func withRig(tvRetries: Int = 3, backoffBase: TimeInterval = 60, seed: AccessSandbox.Seed = .demo,
             _ body: (TestRig) async throws -> Void) async throws {
    let rig = try await TestRig.make(tvRetries: tvRetries, backoffBase: backoffBase, seed: seed)
    do { try await body(rig) } catch {
        await rig.close()
        throw error
    }
    await rig.close()
}

extension TestRig {
    /// The entitlement of the seed, from the sandbox's data as it stands before any sync: a first run's
    /// rule, or (`fromRun`) a batch's.
    func entitlement(fromRun: Bool = false) async throws -> Entitlement {
        let snap = sandbox.snapshot()
        if fromRun {
            return Entitlement(fromRun: try await sandboxTransactions(), products: config.products,
                               before: remoteAccess(), accounts: snap.accounts, now: clock.now)
        }
        return Entitlement(transactions: try await sandboxTransactions(), products: config.products,
                           before: remoteAccess(), accounts: snap.accounts, now: clock.now)
    }

    func writeCalls() -> Int {
        let calls = sandbox.snapshot().calls
        return (calls["/pine_perm/add/"] ?? 0) + (calls["/pine_perm/modify_user_expiration/"] ?? 0) + (calls["/pine_perm/remove/"] ?? 0)
    }
}

/// Lines naming every user whose sandbox access differs from the expectation (empty = equal).
func accessDiff(_ actual: [String: [String: Date?]], _ expected: [String: [String: Date?]]) -> [String] {
    var out: [String] = []
    for script in Set(actual.keys).union(expected.keys).sorted() {
        let a = actual[script] ?? [:], e = expected[script] ?? [:]
        for user in Set(a.keys).union(e.keys).sorted() where a[user] != e[user] {
            out.append("\(script.suffix(6)) \(user): sandbox \(String(describing: a[user])), entitled \(String(describing: e[user]))")
        }
    }
    return out
}

/// The HTML of a message the sink stored (the body travels base64-encoded).
func mailText(_ m: AccessSandbox.MailMessage) -> String {
    guard let split = m.data.range(of: "\r\n\r\n") else { return "" }
    let b64 = m.data[split.upperBound...].filter { !$0.isWhitespace && $0 != "." }
    return Data(base64Encoded: String(b64)).map { String(decoding: $0, as: UTF8.self) } ?? ""
}

/// (pine id, username) pairs written more than once.
func doubleWrites(_ writes: [WriteRecord]) -> [String] {
    var seen: [String: Int] = [:]
    for w in writes { seen["\(w.pineId)|\(w.username)", default: 0] += 1 }
    return seen.filter { $0.value > 1 }.keys.sorted()
}

@Suite("SyncIntegration: engine and actions against the sandbox through libcurl")
struct SyncIntegrationTests {
    static let day: TimeInterval = 86_400

    @Test("full demo sync ends at the entitled state; a second sync writes and mails nothing")
    func fullDemoSync() async throws {
        try await withRig { rig in
            let expected = try await rig.entitlement()
            let summary = try await rig.actions.sync()
            #expect(!summary.stale)
            #expect(summary.exitCode == 1, "review items are left: exit code 1")
            let diff = accessDiff(rig.remoteAccess(), expected.access)
            #expect(diff.isEmpty, "\(diff.joined(separator: "\n"))")

            let access = rig.remoteAccess()
            let alpha = access[TestRig.alpha] ?? [:], life = access[TestRig.lifetime] ?? [:]
            // a live business: nobody's access is cut, and those already covered were not written
            for (sid, users) in expected.seedAccess {
                for (name, held) in users {
                    let now = access[sid]?[name]
                    switch (held, now) {
                    case (.none, let after): #expect(after == .some(nil), "\(name) keeps lifetime")
                    case (.some(let h), .some(.some(let a))): #expect(a >= h, "\(name)'s access on \(sid.suffix(6)) is never cut")
                    default: break
                    }
                }
            }
            #expect(summary.adopted > 0, "users already covered are adopted: \(summary)")
            #expect(summary.granted + summary.extended == expected.changed.count)
            // wrong case: TradingView's spelling only
            #expect(alpha["HEDGEHELEN"] == nil && alpha["moontrader"] == nil)
            // lifetime buyers; a lifetime holder's purchase keeps lifetime
            #expect(life["WyckoffWill"] == .some(nil) && life["IndexIan"] == .some(nil))
            #expect(alpha["CryptoKate"] == .some(nil))
            // pending, failed, refunded, invalid: no access
            for name in ["BreakoutBetty", "GapGrace", "SupportSam", "PivotPaul", "FuturesFiona", "ArbArthur", "DividendDora",
                         "TraderJo", "BacktestBela", "BacktestBella", "not_a_real_trader"] {
                #expect(access.values.allSatisfy { $0[name] == nil } || expected.seedAccess.values.contains { $0[name] != nil },
                        "\(name) must not get access")
            }
            #expect(expected.ignored.sorted() == [12, 13, 28, 31])

            // review: invalid names of purchases still running (one email per address) and refunds of access still held
            let alphaData = try rig.masterData(TestRig.alpha)
            let review = alphaData.reviewQueue
            let invalidHere = expected.invalid.filter { $0.value.contains(TestRig.alpha) }.keys.map(String.init).sorted()
            let refundsHere = expected.refunds.filter { $0.value.contains(TestRig.alpha) }.keys.map { "\($0):refund" }.sorted()
            #expect(!invalidHere.isEmpty)
            for id in invalidHere { #expect(review[id]?.reason == .invalidUsername, "transaction \(id) to review as invalid") }
            for id in refundsHere { #expect(review[id]?.reason == .refund) }
            #expect(review.values.filter { $0.reason != .excess }.count == invalidHere.count + refundsHere.count, "\(review.keys.sorted())")
            #expect(alphaData.retryQueue.isEmpty)
            for id in ["12", "13", "28", "31"] { #expect(!alphaData.processedTransactions.contains(id)) }
            // A first run mails nobody: a live business's customers may have been told already; the review
            // items wait for the admin (`m` mails one).
            let mail = rig.sandbox.snapshot().mail
            #expect(mail.isEmpty)
            #expect(review[invalidHere[0]]?.emailSentAt == nil)

            // second run: nothing to do
            let writes = rig.sandbox.snapshot().writes.count
            let again = try await rig.actions.sync()
            #expect(again.exitCode == 0 && again.granted + again.extended + again.review + again.retry == 0, "\(again)")
            #expect(rig.sandbox.snapshot().writes.count == writes)
            #expect(rig.sandbox.snapshot().mail.count == mail.count)
            #expect(accessDiff(rig.remoteAccess(), expected.access).isEmpty)
            try rig.expectNoSecrets()
        }
    }

    @Test("calls budget: one list per script (and one read-back per script written), one write per user change, validation only for unknown names")
    func callsBudget() async throws {
        try await withRig { rig in
            let expected = try await rig.entitlement()
            let started = Date()
            let summary = try await rig.actions.sync()
            let elapsed = Date().timeIntervalSince(started)
            let calls = rig.sandbox.snapshot().calls
            // One page per script to bootstrap, and one more per script written to, to read the writes back.
            let written = Set(rig.sandbox.snapshot().writes.map(\.pineId)).count
            #expect(calls["/pine_perm/list_users/"] == 4 + written, "one page per script and per read-back: \(calls)")
            #expect(summary.verified == summary.granted + summary.extended + summary.revoked && summary.repaired == 0)
            #expect(calls["/username_hint/"] == expected.toValidate.count, "\(calls) vs \(expected.toValidate.sorted())")
            let writes = rig.writeCalls()
            #expect(writes == expected.changed.count)
            #expect(writes <= expected.appliedPairs)
            #expect(summary.granted + summary.extended == expected.changed.count)
            #expect(rig.sandbox.snapshot().writes.count == writes, "every write changed state")
            #expect(doubleWrites(rig.sandbox.snapshot().writes).isEmpty)
            print("calls budget: \(writes) writes for \(expected.appliedPairs) applied (transaction, script) pairs "
                  + "(\(String(format: "%.2f", Double(writes) / Double(expected.appliedPairs))) per applied), "
                  + "\(calls["/username_hint/"] ?? 0) validations, \(calls["/pine_perm/list_users/"] ?? 0) lists, "
                  + "sync \(String(format: "%.3f", elapsed)) s")

            // the next run reads no list (master data is there) and validates nothing
            _ = try await rig.actions.sync()
            let after = rig.sandbox.snapshot().calls
            #expect(after["/pine_perm/list_users/"] == calls["/pine_perm/list_users/"] && after["/username_hint/"] == calls["/username_hint/"])
            #expect(rig.writeCalls() == writes)
        }
    }

    @Test("stale session mid-run: writes stop, work stays queued; fresh cookies finish it exactly once")
    func staleSessionMidRun() async throws {
        try await withRig { rig in
            let expected = try await rig.entitlement()
            let landed = 6
            rig.sandbox.setFaults(Faults(sessionExpireAfter: 4 + landed))   // four list pages, then six writes
            let summary = try await rig.actions.sync()
            #expect(summary.stale)
            #expect(summary.exitCode == 3)
            let snap = rig.sandbox.snapshot()
            #expect(snap.sessionExpired)
            #expect(snap.writes.count == landed, "only the writes before the expiry landed: \(snap.writes.map(\.seq))")
            // writes already in flight when the first 403 came back may have been refused too, no more
            let concurrency = rig.config.tradingview.concurrency ?? 4
            #expect(rig.writeCalls() <= landed + concurrency, "no write sent after the first 403")
            #expect(rig.recorder.all.filter { $0.name == "session.stale" }.count == 1)
            let queued = try rig.retryCount()
            #expect(queued > 0 && summary.retry == queued)
            #expect(queued + landed >= expected.changed.count)
            for sid in rig.scriptIds {
                for item in try rig.masterData(sid).retryQueue.values {
                    #expect(item.attempts == 0 && item.lastError == "session stale")
                }
            }

            try rig.rotateSession()
            let done = try await rig.actions.sync()
            #expect(!done.stale)
            #expect(try rig.retryCount() == 0)
            let diff = accessDiff(rig.remoteAccess(), expected.access)
            #expect(diff.isEmpty, "\(diff.joined(separator: "\n"))")
            let writes = rig.sandbox.snapshot().writes
            #expect(doubleWrites(writes).isEmpty, "\(doubleWrites(writes))")
            #expect(writes.count == expected.changed.count)
            #expect(rig.sandbox.snapshot().mail.isEmpty, "a first run mails nobody, and no run after it mails twice")
            try rig.expectNoSecrets()
        }
    }

    @Test("transient faults: items wait in the retry queue, later runs drain it to the entitled state")
    func transientFaults() async throws {
        try await withRig(tvRetries: 1, backoffBase: 0) { rig in
            let expected = try await rig.entitlement()
            rig.sandbox.setFaults(Faults(errorRate: 0.3, resetRate: 0.1, seed: 11))
            let first = try await rig.actions.sync()
            #expect(!first.stale)
            // 1: items queued; 5 when a script's list (or WordPress) could not be read: that work is in no queue.
            #expect(first.failed > 0 && first.exitCode == (first.incomplete > 0 ? 5 : 1))
            // Which requests the faults hit depends on concurrency: the work waits either as retry items or,
            // when a script's list failed, as unprocessed transactions of a script planned again next run.
            let waiting = try rig.retryCount() + rig.scriptIds.filter { !(try rig.masterData($0).bootstrapped) }.count
            #expect(waiting > 0, "some work waits for a later run")
            var runs = 1
            for _ in 0..<2 { _ = try await rig.actions.sync(); runs += 1 }   // still faulty
            rig.sandbox.setFaults(Faults())
            for _ in 0..<4 {
                let unbootstrapped = try rig.scriptIds.filter { !(try rig.masterData($0).bootstrapped) }
                if try rig.retryCount() == 0 && unbootstrapped.isEmpty { break }
                _ = try await rig.actions.sync()
                runs += 1
            }
            #expect(try rig.retryCount() == 0)
            let diff = accessDiff(rig.remoteAccess(), expected.access)
            #expect(diff.isEmpty, "\(diff.joined(separator: "\n"))")
            let writes = rig.sandbox.snapshot().writes
            #expect(doubleWrites(writes).isEmpty, "\(doubleWrites(writes))")
            #expect(writes.count == expected.changed.count)
            let alpha = try rig.masterData(TestRig.alpha)
            #expect(alpha.reviewQueue.values.allSatisfy { $0.reason != .conflict }, "nothing gave up")
            print("transient faults: drained in \(runs) runs, \(writes.count) writes, calls \(rig.sandbox.snapshot().calls)")
            try rig.expectNoSecrets()
        }
    }

    @Test("no secret in files, events or errors after faulty runs and failing actions")
    func secretsStayOut() async throws {
        try await withRig(tvRetries: 1, backoffBase: 0) { rig in
            rig.sandbox.setFaults(Faults(errorRate: 0.2, malformedRate: 0.1, sessionExpireAfter: 12, seed: 3))
            _ = try await rig.actions.sync()
            do { _ = try await rig.actions.grant(script: TestRig.alpha, user: "NightOwlNina", term: .months(1)) } catch {
                rig.noteError(error)
            }
            try rig.rotateSession()
            rig.sandbox.setFaults(Faults())
            _ = try await rig.actions.sync()
            for attempt in [
                { _ = try await rig.actions.validate("NoSuchTraderAnywhere") },
                { _ = try await rig.actions.grant(script: "PUB;nope", user: "TraderJoe", term: .months(1)) },
                { _ = try await rig.actions.revoke(script: TestRig.alpha, users: ["NotInMasterData"]) },
            ] as [() async throws -> Void] {
                do { try await attempt(); Issue.record("expected the action to fail") } catch { rig.noteError(error) }
            }
            // a session the sandbox does not know: every authenticated call is refused
            try rig.vault.save(SessionCookies(sessionid: "wrong-sessionid-4242", sessionidSign: "wrong-sign-4242"))
            do { _ = try await rig.actions.resync(script: TestRig.alpha, apply: false) } catch { rig.noteError(error) }
            let summary = try await rig.actions.sync()
            let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
            rig.noteText(json)
            #expect(rig.recorder.all.count > 20)
            try rig.expectNoSecrets()
            let log = try String(contentsOf: rig.dataDir.appendingPathComponent("logs/sync.log"), encoding: .utf8)
            #expect(log.contains("session.stale"), "the log holds the run's events")
            #expect(!log.contains("wrong-sessionid-4242"))
        }
    }

    @Test("actions: grant, extend, revoke, resync of remote drift, review resolve and dismiss")
    func actionsAgainstSandbox() async throws {
        try await withRig { rig in
            let expected = try await rig.entitlement()
            let now = rig.clock.now
            func plus(_ t: String, _ d: Date) -> Date { Entitlement.utcAdd(AccessTerm(t)!, d)! }
            _ = try await rig.actions.sync()
            let a = rig.actions

            // grant a new name, typed in the wrong case: one event for the action
            let eventsBefore = rig.recorder.all.count
            let granted = try await a.grant(script: TestRig.momentum, user: "@nightowlnina", term: .months(1))
            #expect(granted.username == "NightOwlNina" && granted.result == .applied)
            #expect(rig.remoteAccess()[TestRig.momentum]?["NightOwlNina"] == .some(plus("1M", now)))
            let grantEvents = rig.recorder.all.dropFirst(eventsBefore)
            #expect(grantEvents.count == 1 && grantEvents.first?.name == "grant.ok" && grantEvents.first?.fields["actor"] == "tester")
            // extend from the current expiry
            let volumeJoe = try #require(expected.access[TestRig.volume]?["TraderJoe"] ?? nil)
            _ = try await a.extend(script: TestRig.volume, users: ["traderjoe"], term: .months(1))
            #expect(rig.remoteAccess()[TestRig.volume]?["TraderJoe"] == .some(plus("1M", volumeJoe)))
            // revoke
            _ = try await a.revoke(script: TestRig.lifetime, users: ["OptionsOlli"])
            #expect(rig.remoteAccess()[TestRig.lifetime]?["OptionsOlli"] == nil)
            #expect(try rig.masterData(TestRig.lifetime).user("OptionsOlli")?.history.last?.action == "revoke")

            // drift made on TradingView behind master data's back
            let pip = try #require(expected.access[TestRig.alpha]?["PipHunter"] ?? nil)
            let moon = try #require(expected.access[TestRig.alpha]?["MoonTrader"] ?? nil)
            try await rig.client.remove(scriptId: TestRig.alpha, username: "PipHunter")
            _ = try await rig.client.grant(scriptId: TestRig.alpha, username: "CoffeeChartist", expiry: now + 10 * Self.day)
            try await rig.client.modifyExpiration(scriptId: TestRig.alpha, username: "MoonTrader", expiry: now + Self.day)
            let diff = try await a.resync(script: TestRig.alpha, apply: false)
            #expect(diff.missingRemote.map(\.username) == ["PipHunter"])
            #expect(diff.unknownLocal.map(\.username) == ["CoffeeChartist"])
            #expect(diff.expiryMismatch.map(\.username) == ["MoonTrader"])
            #expect(rig.remoteAccess()[TestRig.alpha]?["PipHunter"] == nil, "a diff without apply changes nothing")
            _ = try await a.resync(script: TestRig.alpha, apply: true)
            let alpha = rig.remoteAccess()[TestRig.alpha] ?? [:]
            #expect(alpha["PipHunter"] == .some(pip) && alpha["MoonTrader"] == .some(moon))
            #expect(try rig.masterData(TestRig.alpha).user("coffeechartist")?.expiry == now + 10 * Self.day)
            #expect(try await a.resync(script: TestRig.alpha, apply: false).isEmpty)

            // review: a still-wrong name is refused, the corrected one is validated and granted
            do {
                _ = try await a.resolveReview(script: TestRig.alpha, id: "25", newName: "BacktestBelaa")
                Issue.record("an unknown name must not be granted")
            } catch let e as ActionError {
                guard case .invalidUsername = e else { Issue.record("unexpected \(e)"); return }
            }
            #expect(try rig.masterData(TestRig.alpha).reviewQueue["25"] != nil)
            let resolved = try await a.resolveReview(script: TestRig.alpha, id: "25", newName: "backtestbella")
            #expect(resolved.username == "BacktestBella")
            // A first run's review carries what the purchase entitles from its own date, not from the fix's.
            let created25 = try #require(try await rig.sandboxTransactions().first { $0.id == 25 }?.createdAt)
            #expect(rig.remoteAccess()[TestRig.alpha]?["BacktestBella"] == .some(plus("1M", created25)))
            let state = try rig.masterData(TestRig.alpha)
            #expect(state.reviewQueue["25"] == nil && state.processedTransactions.contains("25"))
            // dismiss a refund: gone, and the next sync neither brings it back nor writes
            // dismiss one (a refund of access still held, else an invalid name): gone, and the next sync neither
            // brings it back nor writes
            let open = try rig.masterData(TestRig.alpha).reviewQueue
            let refund = try #require(open.values.first { $0.reason == .refund }?.id ?? open.keys.sorted().first)
            try await a.dismissReview(script: TestRig.alpha, id: refund, reason: "refund accepted, access kept")
            #expect(try rig.masterData(TestRig.alpha).reviewQueue[refund] == nil)
            let writes = rig.sandbox.snapshot().writes.count
            let again = try await a.sync()
            #expect(again.review == 0 && again.granted + again.extended == 0, "\(again)")
            #expect(rig.sandbox.snapshot().writes.count == writes)
            #expect(try rig.masterData(TestRig.alpha).reviewQueue.count == open.count - 1)
            try rig.expectNoSecrets()
        }
    }
}
