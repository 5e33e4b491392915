import AccessSandbox
import Foundation
import Testing
@testable import AccessCore

/// Issue 19.7: webhook lookups run side by side again, and every id gets its answer. Run in the release
/// build under the thread sanitizer as well (docs/ARCHITECTURE.md, section 7), where the first task-group
/// version lost answers.
@Suite struct ConfirmParallelTests {
    @Test func eightIdsAreConfirmedInParallelAgainstTheSandbox() async throws {
        try await withRig { rig in
            let bought = rig.sandbox.addTransactions((0..<7).map { k in
                SandboxTransaction(id: 0, productId: 101, email: "hook\(k)@example.com", wpUsername: "hook\(k)",
                                   tradingviewUsername: "AlgoAlex", status: "complete", createdAt: rig.clock.now, expiresAt: nil)
            })
            let ids = bought.map(String.init) + ["99999999"]
            #expect(Set(ids).count == 8)
            // Starts the client's threads, so the eight below can overlap from the first.
            _ = try await rig.source.transaction(id: ids[0])
            // Long enough that lookups are surely held together, whatever the machine's load.
            rig.sandbox.setFaults(Faults(latencyMs: 300, routes: ["transactions"]))
            let source = rig.source
            let confirmer = WebhookConfirmer(events: rig.events, parallel: 4) { try await source.transaction(id: $0) }
            let entries = ids.enumerated().map { k, id in
                WebhookInbox.Entry(seq: k + 1, event: "transaction-completed", kind: .paid, transactionId: id, receivedAt: rig.clock.now)
            }
            let checked = await confirmer.confirm(entries)
            #expect(checked.retry.isEmpty, "lookups without an answer: \(checked.retry.map(\.transactionId))")
            #expect(checked.transactions.map(\.id).sorted() == bought.map(String.init).sorted())
            #expect(checked.toApply.count == 7)
            #expect(checked.settled["unconfirmed"]?.map(\.transactionId) == ["99999999"])
            // Seen from the server: the lookups overlapped, never more than four at once.
            let held = rig.sandbox.snapshot().maxInFlight
            #expect(held > 1, "the lookups went one at a time")
            #expect(held <= 4, "\(held) lookups at once past a cap of 4")
        }
    }

    /// Many rounds of the group with lookups that finish in any order: each id answered exactly once.
    @Test func everyIdIsAnsweredWhateverOrderTheyFinishIn() async {
        for round in 0..<50 {
            let ids = (0..<8).map { "\(round * 100 + $0)" }
            let answers = await WebhookConfirmer.lookUp(ids, parallel: 4) { id in
                await Task.yield()
                if Int(id)! % 3 == 0 { throw RemoteError.malformed("odd \(id)") }
                return Int(id)! % 2 == 0 ? .notFound : .rejected("r\(id)")
            }
            #expect(Set(answers.keys) == Set(ids), "round \(round)")
        }
    }
}
