import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// Issue 18, "What was seen" 3: a TradingView user renamed (access stays with the account); master data
/// keyed by name granted a "new" user on renewal and kept the old row.
@Suite("Renames: master data follows TradingView's user id")
struct RenameTests {
    @Test("a renamed user renews under the new name with one write; no new user, no orphan row, history kept")
    func renamedUserRenewsWithOneWrite() async throws {
        try await withRig { rig in
            _ = try await rig.actions.sync()
            let before = try rig.masterData(TestRig.alpha)
            let joe = try #require(before.user("traderjoe"))
            let id = try #require(joe.tvUserId, "read-back recorded the id of a user it read")
            let expiry = try #require(joe.expiry)

            #expect(rig.sandbox.rename("TraderJoe", to: "JoeTrades"))
            rig.sandbox.addTransactions([SandboxTransaction(
                id: 0, productId: 101, email: "joe@example.com", wpUsername: "joe_trader", tradingviewUsername: "JoeTrades",
                status: "complete", createdAt: rig.clock.now, expiresAt: nil)])
            let writesBefore = rig.sandbox.snapshot().writes.count
            rig.clock.advance(60)
            let summary = try await rig.actions.sync()

            let writes = Array(rig.sandbox.snapshot().writes.dropFirst(writesBefore))
            #expect(writes.map(\.op) == ["modify"], "one write, an extension: \(writes)")
            #expect(writes.first?.username == "JoeTrades")
            let stacked = Entitlement.utcAdd(AccessTerm("1M")!, expiry)!
            #expect(writes.first?.expiration == stacked, "the month stacks on the account's access")
            #expect(summary.extended == 1 && summary.granted == 0 && summary.verified == 1, "\(summary)")

            let after = try rig.masterData(TestRig.alpha)
            #expect(after.user("traderjoe") == nil, "no orphan row")
            let moved = try #require(after.user("joetrades"))
            #expect(moved.tvUserId == id)
            #expect(moved.expiry == stacked)
            #expect(moved.history.count == joe.history.count + 2, "old history kept, then renamed, then the extension")
            #expect(moved.history.dropLast().last?.action == "renamed")
            #expect(after.users.count == before.users.count)
            let renamed = rig.recorder.all.filter { $0.kind == .userRenamed }
            #expect(renamed.count == 1 && renamed.first?.fields["from"] == "TraderJoe" && renamed.first?.fields["to"] == "JoeTrades")
            #expect(rig.remoteAccess()[TestRig.alpha]?["JoeTrades"] == .some(stacked))
        }
    }

    @Test("a new name with an id nobody in master data has is a new user, and keeps its id")
    func newUserKeepsItsId() async throws {
        try await withRig { rig in
            _ = try await rig.actions.sync()
            rig.sandbox.addTransactions([SandboxTransaction(
                id: 0, productId: 101, email: "rick@example.com", wpUsername: "rick2", tradingviewUsername: "RiskRick",
                status: "complete", createdAt: rig.clock.now, expiresAt: nil)])
            rig.clock.advance(60)
            _ = try await rig.actions.sync()
            let rick = try #require(try rig.masterData(TestRig.alpha).user("riskrick"))
            #expect(rick.tvUserId != nil)
            #expect(!rig.recorder.all.contains { $0.kind == .userRenamed })
        }
    }
}
