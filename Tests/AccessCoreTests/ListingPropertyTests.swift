import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// A seeded, bounded property test of the sync against MemberPress as it may really behave: either order,
/// totals or none, random page sizes, purchases arriving between the pages of one read, payments completed
/// late, failed ones, and TradingView faults that break runs off half-way. Whatever the draw: every complete
/// purchase is applied exactly once, and nothing else is. (Kills with `kill -9` are `Tests/e2e/crash-test.sh`'s,
/// against the same newest-first sandbox.)
@Suite(.serialized) struct ListingPropertyTests {
    /// Draws from the sandbox's own seeded generator, so a failing seed repeats.
    struct Draw {
        var generator: SplitMix64
        init(state: UInt64) { generator = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { generator.next() }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
    }

    @Test(arguments: [3, 11, 19, 27, 35, 43] as [UInt64])
    func everyCompletePurchaseIsAppliedExactlyOnce(seed: UInt64) async throws {
        var draw = Draw(state: seed)
        var listing = MemberPressListing()
        listing.defaultOrder = draw.chance(0.5) ? "asc" : "desc"
        listing.honourOrder = draw.chance(0.5)
        listing.totalsHeaders = draw.chance(0.5)
        listing.arriveEvery = draw.int(2...7)
        if draw.chance(0.3) { listing.maxPerPage = draw.int(3...9) }
        let perPage = draw.int(2...25)
        let label = "seed \(seed): order \(listing.defaultOrder) honoured \(listing.honourOrder), totals \(listing.totalsHeaders), "
            + "per_page \(perPage) cap \(listing.maxPerPage.map(String.init) ?? "-"), a purchase every \(listing.arriveEvery!) listing calls"

        let rig = try await TestRig.make(tvRetries: 1, backoffBase: 0, seed: .generated(users: 1, transactions: 0, seed: seed)) {
            $0.wordpress.perPage = perPage
        }
        do {
            rig.sandbox.setMemberPressListing(listing)
            var buyer = 0
            func purchases(_ count: Int, maxAgeMinutes: Int) -> [SandboxTransaction] {
                (0..<count).map { _ in
                    buyer += 1
                    let name = "Prop\(buyer)"
                    _ = rig.sandbox.addAccount(name)
                    let status = draw.chance(0.7) ? "complete" : draw.chance(0.7) ? "pending" : "failed"
                    let created = rig.clock.now.addingTimeInterval(-Double(draw.int(0...maxAgeMinutes)) * 60)
                    return SandboxTransaction(id: 0, productId: 101, email: "\(name.lowercased())@example.com", wpUsername: name.lowercased(),
                                              tradingviewUsername: name, status: status, createdAt: created,
                                              expiresAt: AccessTerm.months(1).expiry(from: created))
                }
            }
            // A shop with a history before the first run.
            var pendingIds = Set(rig.sandbox.addTransactions(purchases(draw.int(0...20), maxAgeMinutes: 20 * 24 * 60)))
            let rounds = draw.int(3...6)
            for round in 0..<rounds {
                pendingIds.formUnion(rig.sandbox.addTransactions(purchases(draw.int(1...8), maxAgeMinutes: 300)))
                // Some waiting payments complete (or fail) now, long after they were created.
                let state = try await rig.sandboxTransactions()
                for t in state where t.status == "pending" && pendingIds.contains(t.id) && draw.chance(0.4) {
                    _ = rig.sandbox.setTransactionStatus(id: t.id, status: draw.chance(0.8) ? "complete" : "failed")
                }
                // Runs broken off half-way: writes that fail, answers lost after the write was made.
                rig.sandbox.setFaults(draw.chance(0.5) ? Faults(errorRate: 0.15, malformedRate: 0.1, seed: seed &+ UInt64(round), routes: ["pine_perm"]) : Faults())
                rig.clock.advance(Double(draw.int(1...180)) * 60)
                _ = try await rig.actions.sync()
            }
            // The shop goes quiet, faults end: runs until nothing is left to do.
            var quiet = listing; quiet.arriveEvery = nil
            rig.sandbox.setMemberPressListing(quiet)
            rig.sandbox.setFaults(Faults())
            for _ in 0..<4 {
                rig.clock.advance(120)
                let s = try await rig.actions.sync()
                if try s.granted + s.extended + s.retry == 0 && rig.retryCount() == 0 { break }
            }

            let all = try await rig.sandboxTransactions()
            let access = rig.remoteAccess()[TestRig.alpha] ?? [:]
            let writes = rig.sandbox.snapshot().writes.filter { $0.pineId == TestRig.alpha }
            let state = try rig.masterData(TestRig.alpha)
            #expect(all.contains { $0.tradingviewUsername.hasPrefix("Arrival") }, "\(label): purchases arrived during reads")
            for t in all where t.productId == 101 && (t.tradingviewUsername.hasPrefix("Prop") || t.tradingviewUsername.hasPrefix("Arrival")) {
                let name = t.tradingviewUsername
                let written = writes.filter { $0.username == name }.count
                if t.status == "complete" {
                    let ended = (t.expiresAt ?? .distantFuture) <= rig.clock.now
                    if ended {
                        #expect(written == 0 && access[name] == nil, "\(label): \(name)'s purchase \(t.id) ended before it was seen")
                    } else {
                        #expect(written == 1, "\(label): \(name)'s purchase \(t.id) written \(written) times")
                        #expect(access[name] != nil, "\(label): \(name) holds access")
                    }
                    #expect(state.processedTransactions.contains(String(t.id)), "\(label): \(t.id) processed")
                } else {
                    #expect(written == 0 && access[name] == nil, "\(label): \(name)'s \(t.status) payment \(t.id) gave nothing")
                    #expect(!state.processedTransactions.contains(String(t.id)))
                }
            }
            #expect(state.retryQueue.isEmpty && state.openIntents.isEmpty, "\(label): nothing left over")
        } catch {
            await rig.close()
            throw error
        }
        await rig.close()
    }
}
