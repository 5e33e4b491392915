import Foundation
import Testing
@testable import AccessCore

/// In-memory stand-ins, for these tests only: the real store and clients are tested against the sandbox.
final class MemoryScript: ScriptMasterData, @unchecked Sendable {
    let scriptId: String
    private let lock = NSLock()
    private var current: ScriptAccess
    private(set) var commits: [[AccessChange]] = []
    init(_ state: ScriptAccess) { scriptId = state.scriptId; current = state }
    var state: ScriptAccess { lock.withLock { current } }
    func read<T>(_ body: (ScriptAccess) throws -> T) rethrows -> T { try lock.withLock { try body(current) } }
    func commit(_ changes: [AccessChange], durability: CommitDurability) throws { lock.withLock { commits.append(changes); current.apply(changes: changes) } }
    func close() {}
}

final class MemoryMasterData: MasterDataProvider, @unchecked Sendable {
    private let lock = NSLock()
    private var scripts: [String: MemoryScript] = [:]
    func script(_ id: String) -> MemoryScript {
        lock.withLock {
            if let s = scripts[id] { return s }
            var fresh = ScriptAccess(scriptId: id); fresh.bootstrapped = true
            let s = MemoryScript(fresh); scripts[id] = s; return s
        }
    }
    func put(_ state: ScriptAccess) { lock.withLock { scripts[state.scriptId] = MemoryScript(state) } }
    func openScript(_ scriptId: String) throws -> any ScriptMasterData { script(scriptId) }
    func releaseScript(_ data: any ScriptMasterData) {}
}

final class FakeTradingView: TradingViewClient, @unchecked Sendable {
    private let lock = NSLock()
    var users: [String: [String: RemoteAccess]] = [:]      // script -> key -> access
    var existing: Set<String> = []                           // canonical names
    var writes: [String] = []
    var lists = 0, validations = 0
    var failNextWrites: [RemoteError] = []
    func fail(_ e: RemoteError, times: Int = 1) { lock.withLock { failNextWrites += Array(repeating: e, count: times) } }
    func expiry(_ script: String, _ name: String) -> RemoteAccess? { lock.withLock { users[script]?[Username.key(name)] } }

    private func write(_ what: String) throws {
        try lock.withLock {
            if !failNextWrites.isEmpty { throw failNextWrites.removeFirst() }
            writes.append(what)
        }
    }
    func validate(username: String) async throws -> String? {
        lock.withLock { validations += 1; return existing.first { Username.key($0) == Username.key(username) } }
    }
    func listUsers(scriptId: String) async throws -> [RemoteAccess] {
        lock.withLock { lists += 1; return Array((users[scriptId] ?? [:]).values) }
    }
    func grant(scriptId: String, username: String, expiry: Date?) async throws -> GrantOutcome {
        try write("grant \(username)")
        let had = lock.withLock { users[scriptId]?[Username.key(username)] != nil }
        lock.withLock { users[scriptId, default: [:]][Username.key(username)] = RemoteAccess(username: username, expiry: expiry) }
        return had ? .exists : .created
    }
    func modifyExpiration(scriptId: String, username: String, expiry: Date?) async throws {
        try write("modify \(username)")
        lock.withLock { users[scriptId, default: [:]][Username.key(username)] = RemoteAccess(username: username, expiry: expiry) }
    }
    func remove(scriptId: String, username: String) async throws {
        try write("remove \(username)")
        _ = lock.withLock { users[scriptId]?.removeValue(forKey: Username.key(username)) }
    }
    func checkSession() async throws -> SessionCheck { SessionCheck(valid: true, account: nil, detail: "ok") }
}

struct FakeSource: TransactionSource {
    let txs: [Transaction]
    func transactions(since: Date?) async throws -> TransactionBatch { TransactionBatch(transactions: txs, rejected: []) }
}

final class FakeMailer: Mailer, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var sent: [MailMessage] = []
    func send(_ message: MailMessage) async throws { lock.withLock { sent.append(message) } }
}

final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var events: [AccessEvent] = []
    init(_ hub: EventHub) { hub.addSink { e in self.lock.withLock { self.events.append(e) } } }
    func names() -> [String] { lock.withLock { events.map(\.name) } }
}

struct EngineRig {
    typealias F = Fixture
    let data = MemoryMasterData()
    let tv = FakeTradingView()
    let mailer = FakeMailer()
    let hub = EventHub()
    let log: EventLog
    let now = Fixture.date(2025, 1, 31)
    init() { log = EventLog(hub) }

    func engine(_ txs: [Transaction], stacking: Bool = true, concurrency: Int = 3, at: Date? = nil) -> SyncEngine {
        let settings = SyncSettings(products: ["p1": F.product(.months(1), stacking: stacking)], concurrency: concurrency, maxAttempts: 3)
        let t = at ?? now
        return SyncEngine(settings: settings, store: data, client: tv, source: FakeSource(txs: txs), mailer: mailer,
                          events: hub, clock: { t })
    }
    var state: ScriptAccess { data.script(F.script).state }
}

@Suite struct SyncEngineTests {
    typealias F = Fixture

    @Test func grantsWithCanonicalSpellingOnceAndOnlyOnce() async throws {
        let rig = EngineRig()
        rig.tv.existing = ["Alice", "Bob"]
        rig.data.put(F.state([F.user("Bob", F.date(2025, 3, 10))]))
        let txs = [F.tx("1", "@alice"), F.tx("2", "ALICE", at: F.date(2025, 1, 30, 13)), F.tx("3", "bob")]
        let s = try await rig.engine(txs).run(dryRun: false)
        #expect(s.granted == 1 && s.extended == 1 && s.processed == 3 && s.exitCode == 0)
        #expect(rig.tv.writes.sorted() == ["grant Alice", "modify Bob"], "one write per user, case-sensitive canonical name")
        #expect(rig.tv.validations == 1, "Bob is known: only Alice is validated")
        #expect(rig.tv.lists == 1, "no list call for a bootstrapped script without open intents; one to read the writes back")
        #expect(s.verified == 2 && s.repaired == 0)
        #expect(rig.tv.expiry(F.script, "alice")?.expiry == F.date(2025, 3, 28))
        #expect(rig.state.user("alice")?.username == "Alice")
        #expect(rig.state.user("bob")?.expiry == F.date(2025, 4, 10))
        #expect(rig.state.processedTransactions == ["1", "2", "3"])
        #expect(rig.state.openIntents.isEmpty)
        #expect(rig.state.lastProcessedAt == F.date(2025, 1, 30, 13))

        let again = try await rig.engine(txs).run(dryRun: false)
        #expect(again.processed == 0 && again.granted == 0)
        #expect(rig.tv.writes.count == 2, "re-running applies nothing twice")
        let names = rig.log.names()
        #expect(names.first == "sync.start" && names.last == "sync.done")
        #expect(names.contains("grant.ok") && names.contains("extend.ok") && names.contains("sync.progress"))
    }

    @Test func invalidNamesGoToReviewWithOneEmailAndNoStorm() async throws {
        let rig = EngineRig()
        let txs = [F.tx("1", "Ghost", email: "g@example.com"), F.tx("2", "ghost", at: F.date(2025, 1, 30, 13), email: "g@example.com")]
        let s = try await rig.engine(txs).run(dryRun: false)
        #expect(s.review == 2 && s.exitCode == 1)
        #expect(rig.mailer.sent.count == 1, "one email per customer")
        #expect(rig.mailer.sent[0].to == "g@example.com")
        #expect(rig.state.reviewQueue["1"]?.reason == .invalidUsername)
        #expect(rig.state.reviewQueue["1"]?.emailSentAt != nil)
        #expect(rig.state.processedTransactions == ["1", "2"])
        _ = try await rig.engine(txs).run(dryRun: false)
        #expect(rig.mailer.sent.count == 1 && rig.tv.validations == 1, "re-runs neither email nor validate again")
    }

    @Test func transientFailureQueuesTheWorkThenApplies() async throws {
        let rig = EngineRig()
        rig.tv.existing = ["Cy"]
        rig.tv.fail(.transient("HTTP 502", retryAfter: nil))
        let txs = [F.tx("1", "Cy")]
        let s = try await rig.engine(txs).run(dryRun: false)
        #expect(s.retry == 1 && s.failed == 1 && s.exitCode == 1)
        let item = try #require(rig.state.retryQueue["1"])
        #expect(item.attempts == 1 && item.lastError.contains("502") && item.nextAttemptAt > rig.now)
        #expect(!rig.state.processedTransactions.contains("1"))

        let early = try await rig.engine(txs).run(dryRun: false)
        #expect(early.granted == 0 && rig.tv.writes.isEmpty, "not before its next attempt, and not planned twice")

        let later = try await rig.engine(txs, at: item.nextAttemptAt).run(dryRun: false)
        #expect(later.granted == 1 && rig.tv.writes == ["grant Cy"])
        #expect(rig.state.retryQueue.isEmpty && rig.state.processedTransactions.contains("1"))
    }

    @Test func staleSessionStopsAllWritesAndKeepsTheWork() async throws {
        let rig = EngineRig()
        rig.tv.existing = ["A1", "A2", "A3", "A4", "A5"]
        rig.tv.fail(.sessionStale("HTTP 401"))
        let txs = (1...5).map { F.tx("\($0)", "A\($0)", at: F.date(2025, 1, 30, $0)) }
        let s = try await rig.engine(txs, concurrency: 1).run(dryRun: false)
        #expect(s.stale && s.exitCode == 3)
        #expect(rig.tv.writes.isEmpty, "no write after the first 401")
        #expect(rig.state.retryQueue.count == 5)
        #expect(rig.state.retryQueue.values.allSatisfy { $0.attempts == 0 && $0.lastError == "session stale" })
        #expect(rig.state.processedTransactions.isEmpty)
        #expect(rig.log.names().filter { $0 == "session.stale" }.count == 1)

        let resumed = try await rig.engine(txs).run(dryRun: false)
        #expect(resumed.granted == 5 && !resumed.stale && rig.tv.writes.count == 5)
        #expect(rig.state.retryQueue.isEmpty && rig.state.processedTransactions.count == 5)
    }

    @Test func intentsOfKnownNamesAreJournaledTogetherBeforeAnyWrite() async throws {
        let rig = EngineRig()
        rig.data.put(F.state((1...4).map { F.user("K\($0)", F.date(2025, 3, 1)) }))
        rig.tv.existing = ["New"]
        let txs = (1...4).map { F.tx("\($0)", "K\($0)", at: F.date(2025, 1, 30, $0)) } + [F.tx("5", "new", at: F.date(2025, 1, 30, 5))]
        let s = try await rig.engine(txs).run(dryRun: false)
        #expect(s.extended == 4 && s.granted == 1)
        let commits = rig.data.script(F.script).commits
        let first = try #require(commits.first)
        #expect(first.count == 4 && first.allSatisfy { if case .openIntent = $0 { return true }; return false },
                "one commit opens the four known users' intents; the new name opens its own after validation")
        #expect(commits.filter { $0.contains { if case .openIntent = $0 { return true }; return false } }.count == 2)
        #expect(rig.state.openIntents.isEmpty)
    }

    @Test func intentsOpenedAheadAreClosedWhenTheSessionGoesStale() async throws {
        let rig = EngineRig()
        rig.data.put(F.state((1...5).map { F.user("K\($0)", F.date(2025, 3, 1)) }))
        rig.tv.fail(.sessionStale("HTTP 401"))
        let txs = (1...5).map { F.tx("\($0)", "K\($0)", at: F.date(2025, 1, 30, $0)) }
        let s = try await rig.engine(txs, concurrency: 1).run(dryRun: false)
        #expect(s.stale && rig.tv.writes.isEmpty)
        #expect(rig.state.retryQueue.count == 5)
        #expect(rig.state.openIntents.isEmpty, "nothing was sent, so nothing is left to settle")
        #expect(rig.tv.lists == 0)
    }

    @Test func rejectedWriteBecomesAConflictReview() async throws {
        let rig = EngineRig()
        rig.tv.existing = ["Di"]
        rig.tv.fail(.rejected(status: 403, detail: "You are not the owner"))
        let s = try await rig.engine([F.tx("1", "Di")]).run(dryRun: false)
        #expect(s.review == 1)
        #expect(rig.state.reviewQueue["1"]?.reason == .conflict)
        #expect(rig.state.reviewQueue["1"]?.detail.contains("not the owner") == true)
    }

    @Test func dryRunSendsNothingAndPersistsNothing() async throws {
        let rig = EngineRig()
        rig.tv.existing = ["Eve"]
        let s = try await rig.engine([F.tx("1", "Eve"), F.tx("2", "")]).run(dryRun: true)
        #expect(s.dryRun && s.granted == 1 && s.review == 1)
        #expect(rig.tv.writes.isEmpty && rig.mailer.sent.isEmpty)
        #expect(rig.state.users.isEmpty && rig.state.processedTransactions.isEmpty && rig.state.reviewQueue.isEmpty)
        #expect(rig.data.script(F.script).commits.isEmpty)
        #expect(rig.log.names().contains("write.dryrun"))
    }

    @Test func aFirstRunComparesTheListWithThePurchasesOnce() async throws {
        let rig = EngineRig()
        var fresh = ScriptAccess(scriptId: F.script); fresh.bootstrapped = false
        rig.data.put(fresh)
        // Fay holds less than her purchase of Jan 30 entitles (1M: Feb 28), Gus holds more than his.
        rig.tv.users[F.script] = ["fay": RemoteAccess(username: "Fay", expiry: F.date(2025, 2, 15)),
                                  "gus": RemoteAccess(username: "Gus", expiry: F.date(2025, 9, 1))]
        let s = try await rig.engine([F.tx("1", "fay"), F.tx("2", "Gus")]).run(dryRun: false)
        #expect(rig.tv.lists == 2 && rig.tv.validations == 0, "the first run's list, then the read-back")
        #expect(s.extended == 1 && rig.tv.writes == ["modify Fay"] && s.verified == 1, "one write, up to what was paid; Gus is not cut")
        #expect(rig.state.bootstrapped && rig.state.user("fay")?.expiry == F.date(2025, 2, 28))
        #expect(rig.state.user("gus")?.expiry == F.date(2025, 9, 1) && rig.state.processedTransactions.contains("2"))
        #expect(rig.state.reviewQueue["excess:gus"]?.reason == .excess)
        #expect(rig.state.retryQueue.isEmpty, "the write's carrier item is dropped when it lands")
        _ = try await rig.engine([]).run(dryRun: false)
        #expect(rig.tv.lists == 2, "bootstrapped scripts are not listed again; nothing written, nothing read back")
    }

    @Test func aFirstRunWithoutTheWholeHistoryPlansNothing() async throws {
        // WordPress unreadable, or read but not shown whole: adopting then would let the unseen purchases be
        // applied later on top of what TradingView already grants.
        for batch in [nil, TransactionBatch(transactions: [F.tx("1", "fay")], rejected: [], notes: [SourceNote(.incomplete, "shrank")])] {
            let rig = EngineRig()
            var fresh = ScriptAccess(scriptId: F.script); fresh.bootstrapped = false
            rig.data.put(fresh)
            rig.tv.users[F.script] = ["fay": RemoteAccess(username: "Fay", expiry: F.date(2025, 2, 15))]
            let settings = SyncSettings(products: ["p1": F.product(.months(1), stacking: true)], concurrency: 2, maxAttempts: 3)
            let source: any TransactionSource = batch.map { FixedSource(batch: $0) } ?? FailingSource()
            let engine = SyncEngine(settings: settings, store: rig.data, client: rig.tv, source: source, mailer: rig.mailer,
                                    events: rig.hub, clock: { rig.now })
            let s = try await engine.run(dryRun: false)
            #expect(s.exitCode == 5 && rig.tv.writes.isEmpty)
            #expect(!rig.state.bootstrapped && rig.state.users.isEmpty, "the first run waits for the whole history")
        }
    }

    @Test func openIntentsAreSettledSoACrashNeverDoubleExtends() async throws {
        let rig = EngineRig()
        let target = F.date(2025, 4, 10)
        var s = F.state([F.user("Gil", F.date(2025, 3, 10)), F.user("Hob", F.date(2025, 3, 10))])
        // The process died after sending Gil's extend (TradingView has it) and before sending Hob's.
        for (i, name) in ["Gil", "Hob"].enumerated() {
            s.openIntents["i\(i)"] = WriteIntent(id: "i\(i)", operation: .extend, username: name, targetExpiry: target,
                                                 previousExpiry: F.date(2025, 3, 10), wasKnown: true,
                                                 transactionId: "\(i + 1)", createdAt: rig.now)
        }
        rig.data.put(s)
        rig.tv.users[F.script] = ["gil": RemoteAccess(username: "Gil", expiry: target),
                                  "hob": RemoteAccess(username: "Hob", expiry: F.date(2025, 3, 10))]
        let txs = [F.tx("1", "Gil"), F.tx("2", "Hob")]
        let summary = try await rig.engine(txs).run(dryRun: false)
        #expect(rig.tv.lists == 2, "the settlement list, then Hob's write read back")
        #expect(rig.tv.writes == ["modify Hob"], "Gil's landed write is recorded, not sent again")
        #expect(rig.state.user("gil")?.expiry == target && rig.state.user("hob")?.expiry == target)
        #expect(rig.state.openIntents.isEmpty && rig.state.processedTransactions == ["1", "2"])
        #expect(summary.processed == 2)
    }

    @Test func sinceIsTheEarliestMarkerMinusTheOverlap() {
        var a = ScriptAccess(scriptId: "a"); a.lastProcessedAt = F.date(2025, 1, 10)
        var b = ScriptAccess(scriptId: "b"); b.lastProcessedAt = F.date(2025, 1, 5)
        #expect(SyncEngine.since([a, b], overlap: 3600) == F.date(2025, 1, 5, 11))
        #expect(SyncEngine.since([a, ScriptAccess(scriptId: "c")], overlap: 3600) == nil)
    }
}
