import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// `history --user` (`UserStory.load`, what the command prints) against the sandbox: a purchase with
/// a mistyped name, the customer's fix through the link, an extend TradingView fails (queued, then
/// retried), a manual extend and a revoke, listed in the order they happened, each with its actor.
@Suite struct UserHistoryIntegrationTests {
    @Test func aCustomersStoryInOrderWithItsActors() async throws {
        let rig = try await TestRig.make(tvRetries: 1, backoffBase: 0)
        do {
            try await run(rig)
        } catch {
            await rig.close()
            throw error
        }
        await rig.close()
    }

    func run(_ rig: TestRig) async throws {
        let masterData = rig.dataDir.appendingPathComponent(rig.config.paths.masterData)
        // The story merges master data's history with the log's events by time: the actions here run
        // on the wall clock, as they do in production.
        let actions = AccessActions(settings: rig.actions.settings, store: ScriptStoreOpener(directory: masterData), client: rig.client,
                                    source: rig.source, mailer: try SMTPMailer(config: rig.config.email!, environment: [:]),
                                    cookies: rig.vault, events: rig.events, runLock: FolderSyncLock(directory: masterData),
                                    actorName: "tester", clock: { Date() })
        let alpha = TestRig.alpha
        // A purchase of today with the name mistyped: a first run mails it (older history it does not).
        let bought = rig.sandbox.addTransactions([SandboxTransaction(
            id: 0, productId: 101, email: "bella.today@example.com", wpUsername: "bella_today", tradingviewUsername: "BacktestBelaa",
            status: "complete", createdAt: Date(), expiresAt: nil)])
        _ = try await actions.sync()
        let item = try #require(try rig.masterData(alpha).reviewQueue.values.first { $0.transactionId == String(bought[0]) })

        _ = try await actions.acting(as: ActorName.customerViaLink).resolveReview(script: alpha, id: item.id, newName: "BacktestBella")
        rig.sandbox.setFaults(Faults(errorRate: 1, routes: ["modify_user_expiration"]))
        _ = try? await actions.extend(script: alpha, users: ["BacktestBella"], term: .months(1))
        rig.sandbox.setFaults(Faults())
        #expect(try rig.masterData(alpha).retryQueue.values.contains { $0.username == "BacktestBella" }, "the failed extend waits in the retry queue")
        _ = try await actions.retryAll(script: alpha)
        _ = try await actions.extend(script: alpha, users: ["BacktestBella"], term: .months(1))
        _ = try await actions.revoke(script: alpha, users: ["BacktestBella"])

        let logPath = rig.dataDir.appendingPathComponent(rig.config.paths.logs).appendingPathComponent("sync.log").path
        let stories = UserStory.load(username: "backtestbella", scripts: [(alpha, "Alpha")], masterData: masterData, logPath: logPath)
        let story = try #require(stories.first)
        let lines = story.lines.map { "\($0.action) by \($0.actor.isEmpty ? "-" : $0.actor): \($0.result)" }
        rig.noteText(story.text())

        // The purchase: its review item (filed under the typed name) and its mail, found by the purchase id.
        let purchase = try #require(story.lines.firstIndex { $0.action == "review.added" && $0.transactionId == item.transactionId }, "\(lines)")
        #expect(story.lines[purchase].transactionId == item.transactionId)
        let mail = try #require(story.lines.firstIndex { $0.action == "mail.sent" }, "\(lines)")
        // The customer's fix through the link: a grant of the purchase, by the customer.
        let fix = try #require(story.lines.firstIndex { $0.actor == ActorName.customerViaLink && $0.kind == .fixLink }, "\(lines)")
        #expect(story.lines[fix].transactionId == item.transactionId)
        // The failed extend, queued by the admin; its retry, by the sync engine; the manual extend; the revoke.
        let queued = try #require(story.lines.firstIndex { $0.action == "extend" && $0.result.hasPrefix("queued") }, "\(lines)")
        #expect(story.lines[queued].actor == "tester" && story.lines[queued].result.contains("502"))
        let retried = try #require(story.lines.firstIndex { $0.action == "extend" && $0.actor == "sync" && $0.result == "ok" }, "\(lines)")
        let manual = try #require(story.lines.lastIndex { $0.action == "extend" && $0.actor == "tester" && $0.result == "ok" }, "\(lines)")
        let revoke = try #require(story.lines.lastIndex { $0.action == "revoke" }, "\(lines)")
        #expect(purchase < mail && mail < fix && fix < queued && queued < retried && retried < manual && manual < revoke, "\(lines)")
        #expect(story.lines[revoke].actor == "tester" && story.lines[revoke].result == "ok")
        #expect(story.holds.hasPrefix("20"), "a revoked user keeps an expiry of the revoke's day")
        #expect(story.openRetry.isEmpty && story.openReview.isEmpty)
        #expect(story.fixLink.hasPrefix("used by the customer"))
        // The text the command prints names every step.
        let text = story.text()
        for word in ["review.added", "mail.sent", ActorName.customerViaLink, "queued: temporary failure", "revoke"] {
            #expect(text.contains(word), "\(word) missing from:\n\(text)")
        }
        try rig.expectNoSecrets()
    }
}
