import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// The sync against MemberPress and TradingView as they really are (issue 17): listings newest first or
/// oldest first, with or without totals, payments completed late, a live business whose customers already
/// have access, and terms taken from the purchase.
@Suite(.serialized) struct RealMemberPressTests {
    typealias F = Fixture
    static let day: TimeInterval = 86_400

    /// Every listing variant the product must work with (the add-on's defaults, and what versions and hosts change).
    static let listings: [(String, MemberPressListing)] = {
        var newest = MemberPressListing()
        var oldestIgnoring = MemberPressListing(); oldestIgnoring.defaultOrder = "asc"; oldestIgnoring.honourOrder = false
        var oldestBare = oldestIgnoring; oldestBare.totalsHeaders = false
        var newestBare = MemberPressListing(); newestBare.honourOrder = false; newestBare.totalsHeaders = false
        var capped = MemberPressListing(); capped.maxPerPage = 7
        newest.defaultPerPage = 10
        return [("newest first (the add-on's default)", newest), ("oldest first, order ignored", oldestIgnoring),
                ("oldest first, no totals headers", oldestBare), ("newest first, no totals, order ignored", newestBare),
                ("per_page capped at 7 by the host", capped)]
    }()

    static func purchase(_ name: String, product: Int = 101, status: String = "complete", at created: Date,
                         expires: Date? = nil) -> SandboxTransaction {
        SandboxTransaction(id: 0, productId: product, email: "\(name.lowercased())@example.com", wpUsername: "wp_\(name.lowercased())",
                           tradingviewUsername: name, status: status, createdAt: created,
                           expiresAt: expires ?? AccessTerm.months(1).expiry(from: created))
    }

    // MARK: 1. newest first: no sale lost after the first run

    @Test(arguments: 0..<5)
    func everyNewPurchaseReachesTradingViewWhateverTheListingOrder(variant: Int) async throws {
        let (label, listing) = Self.listings[variant]
        let rig = try await TestRig.make(seed: .generated(users: 300, transactions: 300, seed: 7)) { $0.wordpress.perPage = 25 }
        do {
            rig.sandbox.setMemberPressListing(listing)
            let first = try await rig.actions.sync()
            #expect(!first.stale && first.incomplete == 0, "\(label): \(first)")
            var bought: [(String, Int)] = []
            for round in 0..<3 {
                let count = round == 0 ? 4 : 3
                var records: [SandboxTransaction] = []
                for i in 0..<count {
                    let name = "NewBuyer\(round)x\(i)"
                    #expect(rig.sandbox.addAccount(name))
                    rig.clock.advance(60)
                    records.append(Self.purchase(name, at: rig.clock.now))
                }
                let ids = rig.sandbox.addTransactions(records)
                bought += zip(records.map(\.tradingviewUsername), ids).map { ($0, $1) }
                rig.clock.advance(60)
                let summary = try await rig.actions.sync()
                #expect(summary.incomplete == 0 && summary.granted == count, "\(label), round \(round): \(summary)")
            }
            let access = rig.remoteAccess()[TestRig.alpha] ?? [:]
            let processed = try rig.masterData(TestRig.alpha).processedTransactions
            for (name, id) in bought {
                #expect(access[name] != nil, "\(label): \(name)'s purchase \(id) reached TradingView")
                #expect(processed.contains(String(id)))
            }
            #expect(doubleWrites(rig.sandbox.snapshot().writes).isEmpty, "\(label): nothing written twice")
        } catch {
            await rig.close()
            throw error
        }
        await rig.close()
    }

    @Test func aListingThatShrinksWhileReadIsReportedNotSilent() {
        // A deletion between two pages moves every later record back by one: a record can be passed over.
        func page(_ ids: [Int], total: Int) -> ListingPage {
            ListingPage(records: ids.map { JSONValue.object(["id": .string(String($0))]) }, total: total)
        }
        let before = page([20, 19], total: 40)
        let after = page([17], total: 39)
        let note = WordPressClient.shift(from: before, to: after, order: .newestFirst, page: 2, status: "complete")
        #expect(note?.kind == .incomplete && note?.message.contains("shrank from 40 to 39") == true)
        // An insertion only repeats a record: not a loss.
        let grown = page([19], total: 41)
        #expect(WordPressClient.shift(from: before, to: grown, order: .newestFirst, page: 2, status: nil) == nil)
        // Ids that do not continue the order: the server keeps none.
        let jumbled = page([30], total: 40)
        #expect(WordPressClient.shift(from: before, to: jumbled, order: .newestFirst, page: 2, status: nil)?.kind == .incomplete)
        #expect(ListingOrder.of([5, 4, 2]) == .newestFirst && ListingOrder.of([2, 4, 5]) == .oldestFirst)
        #expect(ListingOrder.of([5]) == .unknown && ListingOrder.of([5, 7, 6]) == .unknown && ListingOrder.of([5, nil]) == .unknown)
    }

    @Test func aReadThatCannotShowItIsWholeWarnsAndExitsFive() async throws {
        try await withRig { rig in
            _ = try await rig.actions.sync()
            // The engine hears the source's notes: an incomplete read is an event and exit 5, never "processed 0".
            let lanesBatch = TransactionBatch(transactions: [], rejected: [],
                                              notes: [SourceNote(.incomplete, "MemberPress listing shrank from 40 to 39 records")])
            #expect(!lanesBatch.complete)
            let engine = SyncEngine(settings: SyncSettings(config: rig.config), store: ScriptStoreOpener(
                directory: rig.dataDir.appendingPathComponent(rig.config.paths.masterData)), client: rig.client,
                source: FixedSource(batch: lanesBatch), mailer: nil, events: rig.events, clock: { rig.clock.now })
            let summary = try await engine.run(dryRun: false)
            #expect(summary.incomplete == 1 && summary.exitCode == 5)
            #expect(rig.recorder.all.contains { $0.kind == .wordpressIncomplete && $0.message.contains("shrank") })
        }
    }

    // MARK: 2. payments completed late

    @Test func aPaymentCompletedHoursAfterItWasCreatedIsGranted() async throws {
        try await withRig { rig in
            _ = try await rig.actions.sync()
            #expect(rig.sandbox.addAccount("SlowBankSam") && rig.sandbox.addAccount("NewerNed"))
            // A bank transfer created five hours ago, still pending; a card purchase after it moves the marker.
            let created = rig.clock.now.addingTimeInterval(-5 * 3600)
            let ids = rig.sandbox.addTransactions([Self.purchase("SlowBankSam", status: "pending", at: created),
                                                   Self.purchase("NewerNed", at: rig.clock.now)])
            rig.clock.advance(60)
            let seen = try await rig.actions.sync()
            #expect(seen.granted == 1 && rig.remoteAccess()[TestRig.alpha]?["SlowBankSam"] == nil)
            // Two runs later the admin completes it: its created_at is far behind the marker.
            rig.clock.advance(3600)
            _ = try await rig.actions.sync()
            #expect(rig.sandbox.setTransactionStatus(id: ids[0], status: "complete"))
            rig.clock.advance(3600)
            let late = try await rig.actions.sync()
            #expect(late.granted == 1, "\(late)")
            #expect(rig.remoteAccess()[TestRig.alpha]?["SlowBankSam"] != nil)
            #expect(try rig.masterData(TestRig.alpha).processedTransactions.contains(String(ids[0])))
            // Acknowledged: no longer watched, and applied once.
            let again = try await rig.actions.sync()
            #expect(again.granted + again.extended == 0)
            let watch = rig.dataDir.appendingPathComponent(rig.config.paths.masterData).appendingPathComponent(".memberpress-watch")
            #expect(!(try String(contentsOf: watch, encoding: .utf8)).contains("\"\(ids[0])\""))
        }
    }

    @Test func aPaidPurchaseDatedBeforeTheMarkerIsAppliedAndNamedInTheLog() async throws {
        try await withRig { rig in
            _ = try await rig.actions.sync()
            #expect(rig.sandbox.addAccount("BackdatedBo"))
            rig.clock.advance(6 * 3600)
            #expect(rig.sandbox.addAccount("FreshFay"))
            _ = rig.sandbox.addTransactions([Self.purchase("FreshFay", at: rig.clock.now)])
            _ = try await rig.actions.sync()
            // Completed outside our view (never seen pending), dated a day back: newest id, oldest date.
            let ids = rig.sandbox.addTransactions([Self.purchase("BackdatedBo", at: rig.clock.now.addingTimeInterval(-Self.day))])
            rig.clock.advance(60)
            let summary = try await rig.actions.sync()
            #expect(summary.granted == 1 && rig.remoteAccess()[TestRig.alpha]?["BackdatedBo"] != nil)
            #expect(rig.recorder.all.contains { $0.kind == .transactionLate && $0.fields["transaction"] == String(ids[0]) })
        }
    }

    // MARK: 3. a live business

    /// Accounts whose purchases of Alpha monthly (1M) TradingView already grants exactly, less, more, not
    /// at all, or for a purchase that ended; and some with access and no purchase.
    struct LiveBusiness {
        var exact: [String] = [], under: [String] = [], over: [String] = [], missing: [String] = [], ended: [String] = []
        var noPurchase: [String] = []
        var held: [String: Date?] = [:]

        static func install(_ rig: TestRig) -> LiveBusiness {
            var b = LiveBusiness()
            let now = rig.clock.now
            var records: [SandboxTransaction] = []
            for i in 0..<40 {
                let name = "Live\(i)"
                _ = rig.sandbox.addAccount(name)
                let created = now.addingTimeInterval(-Double(1 + i % 20) * RealMemberPressTests.day)
                let entitled = AccessTerm.months(1).expiry(from: created)!
                var expiry: Date?? = .some(entitled)
                switch i % 6 {
                case 0, 1: b.exact.append(name)
                case 2: b.under.append(name); expiry = .some(entitled.addingTimeInterval(-10 * RealMemberPressTests.day))
                case 3: b.over.append(name); expiry = .some(entitled.addingTimeInterval(60 * RealMemberPressTests.day))
                case 4: b.missing.append(name); expiry = nil
                default:
                    b.ended.append(name); expiry = nil
                    records.append(RealMemberPressTests.purchase(name, at: now.addingTimeInterval(-70 * RealMemberPressTests.day)))
                    continue
                }
                records.append(RealMemberPressTests.purchase(name, at: created))
                if case .some(let date) = expiry {
                    #expect(rig.sandbox.seedGrant(pineId: TestRig.alpha, username: name, expiration: date))
                    b.held[name] = date
                }
            }
            for i in 0..<5 {
                let name = "Comp\(i)"
                _ = rig.sandbox.addAccount(name)
                #expect(rig.sandbox.seedGrant(pineId: TestRig.alpha, username: name, expiration: now.addingTimeInterval(90 * RealMemberPressTests.day)))
                b.noPurchase.append(name)
            }
            _ = rig.sandbox.addTransactions(records)
            return b
        }
    }

    static func liveRig() async throws -> TestRig {
        // Only Alpha is configured here: the live business is one script's.
        try await TestRig.make(seed: .generated(users: 1, transactions: 0, seed: 1))
    }

    @Test func aFirstRunOnALiveBusinessWritesOnlyWhatIsOwedAndCutsNobody() async throws {
        let rig = try await Self.liveRig()
        do {
            let b = LiveBusiness.install(rig)
            let before = rig.remoteAccess()[TestRig.alpha] ?? [:]
            // The plan first, without a write.
            let preview = try await rig.actions.sync(dryRun: true)
            #expect(rig.sandbox.snapshot().writes.isEmpty)
            #expect(preview.adopted == b.exact.count + b.over.count, "\(preview)")
            #expect(preview.granted + preview.extended == b.under.count + b.missing.count)
            #expect(rig.recorder.all.contains { $0.kind == .adoptDone && $0.fields["writes"] == "\(b.under.count + b.missing.count)" })
            #expect(try rig.masterData(TestRig.alpha).bootstrapped == false, "a dry run keeps nothing")

            let summary = try await rig.actions.sync()
            let writes = rig.sandbox.snapshot().writes
            #expect(writes.count == b.under.count + b.missing.count, "one write per under-granted user: \(writes.map(\.username))")
            #expect(Set(writes.map(\.username)) == Set(b.under + b.missing))
            #expect(summary.adopted == b.exact.count + b.over.count)
            let after = rig.remoteAccess()[TestRig.alpha] ?? [:]
            for (name, held) in before {
                if let h = held { #expect((after[name] ?? nil).map { $0 >= h } ?? false, "\(name) is never cut") }
            }
            for name in b.ended { #expect(after[name] == nil, "\(name)'s purchase ended before the first run") }
            let state = try rig.masterData(TestRig.alpha)
            #expect(Set(state.reviewQueue.values.filter { $0.reason == .excess }.map(\.typedName)) == Set(b.over))
            #expect(state.retryQueue.isEmpty)
            #expect(rig.sandbox.snapshot().mail.isEmpty)
            let again = try await rig.actions.sync()
            #expect(again.granted + again.extended == 0 && rig.sandbox.snapshot().writes.count == writes.count)

            // Lost master data and `store rebuild`: the same comparison, now nothing is owed.
            let masterData = rig.dataDir.appendingPathComponent(rig.config.paths.masterData)
            let journal = masterData.appendingPathComponent(ScriptFileName.encode(TestRig.alpha) + ".journal")
            try Data().write(to: journal)
            await #expect(throws: ActionError.self) { _ = try await rig.actions.sync() }
            let report = try await rig.actions.rebuild(script: TestRig.alpha)
            #expect(report.writes == 0 && report.excess == b.over.count && report.adopted == b.exact.count + b.under.count + b.missing.count + b.over.count)
            #expect(rig.sandbox.snapshot().writes.count == writes.count, "rebuild wrote nothing")
            #expect(rig.sandbox.snapshot().mail.isEmpty, "no mail sent again")
        } catch {
            await rig.close()
            throw error
        }
        await rig.close()
    }

    @Test func whenTradingViewAlreadyMatchesAFirstRunWritesNothing() async throws {
        let rig = try await Self.liveRig()
        do {
            let now = rig.clock.now
            var records: [SandboxTransaction] = []
            for i in 0..<30 {
                let name = "Match\(i)"
                _ = rig.sandbox.addAccount(name)
                let created = now.addingTimeInterval(-Double(i) * 3600 * 7)
                records.append(Self.purchase(name, at: created))
                _ = rig.sandbox.seedGrant(pineId: TestRig.alpha, username: name, expiration: AccessTerm.months(1).expiry(from: created))
            }
            _ = rig.sandbox.addTransactions(records)
            let summary = try await rig.actions.sync()
            #expect(rig.sandbox.snapshot().writes.isEmpty && summary.adopted == 30 && summary.review == 0, "\(summary)")
            // The folder comes back empty (lost): the same again, nothing written, nothing mailed.
            try FileManager.default.removeItem(at: rig.dataDir.appendingPathComponent(rig.config.paths.masterData))
            try FileManager.default.createDirectory(at: rig.dataDir.appendingPathComponent(rig.config.paths.masterData), withIntermediateDirectories: true)
            let again = try await rig.actions.sync()
            #expect(rig.sandbox.snapshot().writes.isEmpty && again.adopted == 30 && rig.sandbox.snapshot().mail.isEmpty)
        } catch {
            await rig.close()
            throw error
        }
        await rig.close()
    }

    // MARK: 4. the purchase's own term

    @Test func aMemberPressTermGrantsTheDateTheCustomerSees() async throws {
        let rig = try await TestRig.make { config in
            config.products["101"]?.scripts = [ScriptTerm(scriptId: TestRig.alpha, term: .purchase, stacking: true)]
        }
        do {
            _ = try await rig.actions.sync()
            let now = rig.clock.now
            for name in ["OldNovember", "FreshTermTom"] { #expect(rig.sandbox.addAccount(name)) }
            let ends = now.addingTimeInterval(25 * Self.day).wholeSeconds
            _ = rig.sandbox.addTransactions([
                // Bought 35 days ago for a month: over before this sync, so nothing to grant.
                Self.purchase("OldNovember", at: now.addingTimeInterval(-35 * Self.day), expires: now.addingTimeInterval(-5 * Self.day)),
                Self.purchase("FreshTermTom", at: now.addingTimeInterval(-5 * Self.day), expires: ends),
            ])
            rig.clock.advance(60)
            _ = try await rig.actions.sync()
            let access = rig.remoteAccess()[TestRig.alpha] ?? [:]
            #expect(access["OldNovember"] == nil, "an ended purchase grants nothing")
            #expect(access["FreshTermTom"] == .some(ends), "TradingView shows MemberPress's expires_at")
        } catch {
            await rig.close()
            throw error
        }
        await rig.close()
    }

    @Test func purchaseTermRules() {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let end = now.addingTimeInterval(30 * Self.day)
        #expect(AccessState.none.raised(to: .until(end), now: now) == .until(end))
        #expect(AccessState.none.raised(to: .until(now.addingTimeInterval(-1)), now: now) == .none, "ended: nothing")
        #expect(AccessState.until(end.addingTimeInterval(Self.day)).raised(to: .until(end), now: now) == .until(end.addingTimeInterval(Self.day)),
                "never shortened")
        #expect(AccessState.until(now).raised(to: .never, now: now) == .lifetime)
        #expect(AccessState.none.applying(.purchase, stacking: true, now: now) == .none, "no end: no change")
        #expect(AccessTerm("memberpress") == .purchase && AccessTerm.purchase.description == "memberpress")
        // Entitlement from purchase dates: two stacked months from Jan 10 and Jan 20.
        let jan10 = F.date(2025, 1, 10), jan20 = F.date(2025, 1, 20)
        let two = AccessCore.Entitlement.entitled(by: [
            EntitledPurchase(transactionId: "a", createdAt: jan10, term: .months(1), stacking: true, end: nil),
            EntitledPurchase(transactionId: "b", createdAt: jan20, term: .months(1), stacking: true, end: nil)])
        #expect(two == .until(F.date(2025, 3, 10)))
        #expect(AccessCore.Entitlement.covers(.until(F.date(2025, 3, 10)), two) && !AccessCore.Entitlement.covers(.until(F.date(2025, 3, 9)), two))
        #expect(AccessCore.Entitlement.exceeds(.lifetime, two) && !AccessCore.Entitlement.exceeds(.until(F.date(2025, 3, 11)), two))
    }
}

/// A source that answers one fixed batch.
struct FixedSource: TransactionSource {
    let batch: TransactionBatch
    func transactions(since: Date?) async throws -> TransactionBatch { batch }
}
