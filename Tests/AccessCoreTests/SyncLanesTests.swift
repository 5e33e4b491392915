import Foundation
import Testing
@testable import AccessCore

/// A one-time door a fake call waits behind until the test's condition opens it. The deadline only
/// turns a door that never opens into a failed expectation instead of a hung test: when things work,
/// nothing waits on the clock.
final class Door: @unchecked Sendable {
    private let lock = NSLock()
    private var opened = false
    private var timedOut = false
    private var waiter: CheckedContinuation<Void, Never>?

    func open() { finish(timedOut: false) }

    /// True when opened, false when the deadline passed first.
    func wait(deadline: Duration = .seconds(20)) async -> Bool {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: deadline)
            self?.finish(timedOut: true)
        }
        defer { timer.cancel() }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { () -> Bool in
                if opened { return true }
                waiter = c
                return false
            }
            if now { c.resume() }
        }
        return lock.withLock { !timedOut }
    }

    private func finish(timedOut late: Bool) {
        let w = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            guard !opened else { return nil }
            opened = true
            timedOut = late
            defer { waiter = nil }
            return waiter
        }
        w?.resume()
    }
}

/// TradingView whose "long" script's list is only read out once `door` opens (after a first page of
/// `firstPage`'s names, when given); every call is logged in order.
final class ChainedTradingView: TradingViewClient, @unchecked Sendable {
    let inner = FakeTradingView()
    let door = Door()
    let longScript: String
    /// The write that opens the door (a write the short script's lane makes).
    let opener: String
    /// Keys of the long list's users on its first page, read before the door; empty: one page behind it.
    var firstPage: Set<String> = []
    private let lock = NSLock()
    private(set) var doorOpenedInTime: Bool?
    private var entries: [String] = []
    var log: [String] { lock.withLock { entries } }

    init(longScript: String, opener: String) { self.longScript = longScript; self.opener = opener }

    private func note(_ entry: String) {
        lock.withLock { entries.append(entry) }
        if entry == opener { door.open() }
    }

    func validate(username: String) async throws -> String? {
        note("validate \(username)")
        return try await inner.validate(username: username)
    }
    func listUsers(scriptId: String) async throws -> [RemoteAccess] {
        if scriptId == longScript {
            let inTime = await door.wait()
            lock.withLock { doorOpenedInTime = inTime }
        }
        let users = try await inner.listUsers(scriptId: scriptId)
        note("listed \(scriptId)")
        return users
    }
    func listPage(scriptId: String, after cursor: ListCursor?) async throws -> ListPage {
        guard scriptId == longScript, !firstPage.isEmpty else {
            return ListPage(users: try await listUsers(scriptId: scriptId), next: nil)
        }
        let all = try await inner.listUsers(scriptId: scriptId)
        if cursor == nil {
            note("page 1 \(scriptId)")
            return ListPage(users: all.filter { firstPage.contains(Username.key($0.username)) }, next: ListCursor("page 2"))
        }
        let inTime = await door.wait()
        lock.withLock { doorOpenedInTime = inTime }
        note("listed \(scriptId)")
        return ListPage(users: all.filter { !firstPage.contains(Username.key($0.username)) }, next: nil)
    }
    func grant(scriptId: String, username: String, expiry: Date?) async throws -> GrantOutcome {
        let outcome = try await inner.grant(scriptId: scriptId, username: username, expiry: expiry)
        note("grant \(scriptId) \(username)")
        return outcome
    }
    func modifyExpiration(scriptId: String, username: String, expiry: Date?) async throws {
        try await inner.modifyExpiration(scriptId: scriptId, username: username, expiry: expiry)
        note("modify \(scriptId) \(username)")
    }
    func remove(scriptId: String, username: String) async throws {
        try await inner.remove(scriptId: scriptId, username: username)
        note("remove \(scriptId) \(username)")
    }
    func checkSession() async throws -> SessionCheck { try await inner.checkSession() }
}

/// First runs with scripts in lanes: a script whose list is read is written while another list is
/// still loading, and names that list may reveal wait for it.
@Suite struct SyncLanesTests {
    typealias F = Fixture
    static let short = "PUB;short"
    static let long = "PUB;long"
    let now = F.date(2025, 1, 31)

    /// Two scripts never bootstrapped: "short" sold by p1, "long" by p2.
    func engine(_ tv: ChainedTradingView, _ data: MemoryMasterData, _ txs: [Transaction]) -> SyncEngine {
        for sid in [Self.short, Self.long] { data.put(ScriptAccess(scriptId: sid)) }
        let products = ["p1": F.product(.months(1), stacking: true, scripts: [Self.short]),
                        "p2": F.product(.months(1), stacking: true, scripts: [Self.long])]
        let t = now
        return SyncEngine(settings: SyncSettings(products: products, concurrency: 2, maxAttempts: 3), store: data, client: tv,
                          source: FakeSource(txs: txs), mailer: FakeMailer(), events: EventHub(), clock: { t })
    }

    @Test func aShortScriptIsWrittenWhileALongerListIsStillLoading() async throws {
        let tv = ChainedTradingView(longScript: Self.long, opener: "modify \(Self.short) Ann")
        tv.inner.users[Self.short] = ["ann": RemoteAccess(username: "Ann", expiry: F.date(2025, 2, 10))]
        tv.inner.users[Self.long] = ["bob": RemoteAccess(username: "Bob", expiry: F.date(2025, 2, 10))]
        tv.inner.existing = ["Ann", "Bob"]
        let data = MemoryMasterData()
        // Ann is on the short script's own list; Bob only on the long one's.
        let txs = [F.tx("1", "ann"), F.tx("2", "bob", at: F.date(2025, 1, 30, 13))]
        let summary = try await engine(tv, data, txs).run(dryRun: false)

        #expect(tv.doorOpenedInTime == true, "the long list waited for a write of the short script: \(tv.log)")
        let log = tv.log
        let annWritten = try #require(log.firstIndex(of: "modify \(Self.short) Ann"))
        let longListed = try #require(log.firstIndex(of: "listed \(Self.long)"))
        #expect(annWritten < longListed, "\(log)")
        let bobGranted = try #require(log.firstIndex(of: "grant \(Self.short) Bob"))
        #expect(bobGranted > longListed, "Bob waited for the list that knows him: \(log)")
        #expect(tv.inner.validations == 0, "a name on any script's list is never validated: \(log)")
        #expect(summary.extended == 1 && summary.granted == 1 && summary.processed == 2)
        #expect(data.script(Self.short).state.processedTransactions == ["1", "2"])
        #expect(data.script(Self.long).state.bootstrapped && data.script(Self.short).state.openIntents.isEmpty)
    }

    @Test func aNameOnAPageOfALongListLetsAnotherScriptsWriteGoBeforeTheListEnds() async throws {
        let tv = ChainedTradingView(longScript: Self.long, opener: "grant \(Self.short) Bob")
        tv.firstPage = ["bob"]
        tv.inner.users[Self.long] = ["bob": RemoteAccess(username: "Bob", expiry: F.date(2025, 2, 10)),
                                     "cy": RemoteAccess(username: "Cy", expiry: F.date(2025, 2, 10))]
        tv.inner.existing = ["Bob", "Cy"]
        let data = MemoryMasterData()
        let txs = [F.tx("1", "bob"), F.tx("2", "cy", at: F.date(2025, 1, 30, 13)), F.tx("3", "bob", product: "p2")]
        let summary = try await engine(tv, data, txs).run(dryRun: false)

        #expect(tv.doorOpenedInTime == true, "Bob's grant went out while the long list was loading: \(tv.log)")
        let log = tv.log
        let bob = try #require(log.firstIndex(of: "grant \(Self.short) Bob"))
        let cy = try #require(log.firstIndex(of: "grant \(Self.short) Cy"))
        let longListed = try #require(log.firstIndex(of: "listed \(Self.long)"))
        #expect(bob < longListed && longListed < cy, "Cy is on the page still to come: \(log)")
        let bobOnLong = try #require(log.firstIndex(of: "modify \(Self.long) Bob"))
        #expect(bobOnLong > longListed, "the long script itself is planned from its whole list: \(log)")
        #expect(tv.inner.validations == 0 && summary.granted == 2 && summary.extended == 1)
    }

    @Test func namesSpreadAcrossScriptsAreValidatedOnlyWhenNoListHoldsThem() async throws {
        let tv = ChainedTradingView(longScript: Self.long, opener: "modify \(Self.short) Ann")
        tv.inner.users[Self.short] = ["ann": RemoteAccess(username: "Ann", expiry: F.date(2025, 2, 10))]
        tv.inner.users[Self.long] = ["bob": RemoteAccess(username: "Bob", expiry: F.date(2025, 2, 10)),
                                     "cy": RemoteAccess(username: "Cy", expiry: F.date(2025, 2, 10))]
        tv.inner.existing = ["Ann", "Bob", "Cy", "Dee"]
        let data = MemoryMasterData()
        let txs = [F.tx("1", "ann"), F.tx("2", "bob"), F.tx("3", "cy", product: "p2"), F.tx("4", "dee"),
                   F.tx("5", "dee", product: "p2"), F.tx("6", "nobody", email: "n@example.com"),
                   F.tx("7", "ann", product: "p2")].enumerated().map { i, tx in
                       var tx = tx; tx.createdAt = F.date(2025, 1, 30, 1 + i); return tx }
        let summary = try await engine(tv, data, txs).run(dryRun: false)

        #expect(tv.doorOpenedInTime == true, "\(tv.log)")
        #expect(tv.log.filter { $0.hasPrefix("validate") }.sorted() == ["validate dee", "validate nobody"],
                "one validation per name that no script lists, however many scripts it is bought for: \(tv.log)")
        #expect(summary.review == 1 && data.script(Self.short).state.reviewQueue["6"]?.reason == .invalidUsername)
        #expect(data.script(Self.long).state.user("ann")?.username == "Ann", "Ann's spelling came from the short list")
        #expect(data.script(Self.short).state.user("dee")?.username == "Dee" && data.script(Self.long).state.user("dee") != nil)
        #expect(summary.processed == 7)
    }
}
