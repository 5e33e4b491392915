import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// `history --user` (`UserStory.load`, what the command prints) against the sandbox: a purchase with
/// a mistyped name (through the webhook), the customer's fix through the link, an extend at the console
/// that TradingView fails (queued, then retried by the daemon), a manual extend at the console and a
/// revoke from the CLI, listed in the order they happened, each with its own actor; and the expiry
/// TradingView holds beside the one the purchase entitles (MemberPress read by id), flagged when they differ.
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
                                    session: nil, events: rig.events, runLock: FolderSyncLock(directory: masterData),
                                    actorName: "tester", clock: { Date() })
        // Each entry point acts under its own name (`ActorName`), as the CLI, console and daemon wire them.
        let console = actions.acting(as: ActorName.console("tester")), cli = actions.acting(as: ActorName.cli("tester"))
        let daemon = actions.acting(as: ActorName.daemon), webhook = actions.acting(as: ActorName.webhook)
        let alpha = TestRig.alpha
        // A purchase of today with the name mistyped: a first run mails it (older history it does not).
        let bought = rig.sandbox.addTransactions([SandboxTransaction(
            id: 0, productId: 101, email: "bella.today@example.com", wpUsername: "bella_today", tradingviewUsername: "BacktestBelaa",
            status: "complete", createdAt: Date(), expiresAt: nil)])
        guard case .found(let purchase) = try await rig.source.transaction(id: String(bought[0])) else {
            Issue.record("the sandbox does not answer the purchase by id"); return
        }
        _ = try await webhook.apply(transactions: [purchase])
        let item = try #require(try rig.masterData(alpha).reviewQueue.values.first { $0.transactionId == String(bought[0]) })

        _ = try await actions.acting(as: ActorName.customerViaLink).resolveReview(script: alpha, id: item.id, newName: "BacktestBella")
        let logPath = rig.dataDir.appendingPathComponent(rig.config.paths.logs).appendingPathComponent("sync.log").path
        func story() async throws -> UserStory {
            guard var story = UserStory.load(username: "backtestbella", scripts: [(alpha, "Alpha")], masterData: masterData,
                                             logPath: logPath).first else { throw NoStory() }
            story.entitled = await UserStory.readEntitlement(of: story, products: rig.config.products, now: Date()) {
                try await rig.source.transaction(id: $0)
            }
            return story
        }
        // Granted through the link as the purchase entitles: TradingView holds what was bought.
        let fixed = try await story()
        #expect(fixed.tradingView?.source == "write answered ok" && fixed.tradingView?.expiry.hasPrefix("20") == true, "\(fixed.expiriesText)")
        #expect(fixed.entitled?.purchases == 1 && fixed.entitled?.expiry == fixed.tradingView?.expiry, "\(fixed.expiriesText)")
        #expect(!fixed.expiriesDiffer, "\(fixed.expiriesText)")

        rig.sandbox.setFaults(Faults(errorRate: 1, routes: ["modify_user_expiration"]))
        _ = try? await console.extend(script: alpha, users: ["BacktestBella"], term: .months(1))
        rig.sandbox.setFaults(Faults())
        #expect(try rig.masterData(alpha).retryQueue.values.contains { $0.username == "BacktestBella" }, "the failed extend waits in the retry queue")
        _ = try await daemon.retryAll(script: alpha)
        _ = try await console.extend(script: alpha, users: ["BacktestBella"], term: .months(1))
        _ = try await cli.revoke(script: alpha, users: ["BacktestBella"])

        let story = try await story()
        let lines = story.lines.map { "\($0.action) by \($0.actor.isEmpty ? "-" : $0.actor): \($0.result)" }
        rig.noteText(story.text())

        // The purchase: its review item (filed under the typed name) and its mail, found by the purchase id,
        // both by the webhook that brought it.
        let purchaseLine = try #require(story.lines.firstIndex { $0.action == "review.added" && $0.transactionId == item.transactionId }, "\(lines)")
        #expect(story.lines[purchaseLine].transactionId == item.transactionId && story.lines[purchaseLine].actor == ActorName.webhook)
        let mail = try #require(story.lines.firstIndex { $0.action == "mail.sent" }, "\(lines)")
        #expect(story.lines[mail].actor == ActorName.webhook)
        // The customer's fix through the link: a grant of the purchase, by the customer.
        let fix = try #require(story.lines.firstIndex { $0.actor == ActorName.customerViaLink && $0.kind == .fixLink }, "\(lines)")
        #expect(story.lines[fix].transactionId == item.transactionId)
        // The failed extend, queued at the console; its retry, by the daemon; the manual extend at the console;
        // the revoke from the CLI.
        let queued = try #require(story.lines.firstIndex { $0.action == "extend" && $0.result.hasPrefix("queued") }, "\(lines)")
        #expect(story.lines[queued].actor == "console (tester)" && story.lines[queued].result.contains("502"))
        let retried = try #require(story.lines.firstIndex { $0.action == "extend" && $0.actor == ActorName.daemon && $0.result == "ok" }, "\(lines)")
        let manual = try #require(story.lines.lastIndex { $0.action == "extend" && $0.actor == "console (tester)" && $0.result == "ok" }, "\(lines)")
        let revoke = try #require(story.lines.lastIndex { $0.action == "revoke" }, "\(lines)")
        #expect(purchaseLine < mail && mail < fix && fix < queued && queued < retried && retried < manual && manual < revoke, "\(lines)")
        #expect(story.lines[revoke].actor == "cli (tester)" && story.lines[revoke].result == "ok")
        let actors = Set([purchaseLine, fix, queued, retried, revoke].map { story.lines[$0].actor })
        #expect(actors.count == 5, "each entry point names itself: \(actors)")
        // Revoked while the purchase still runs: TradingView holds none, the purchase entitles a day, flagged.
        #expect(story.tradingView?.expiry == "none" && story.tradingView?.source == "write answered ok", "\(story.expiriesText)")
        #expect(story.entitled?.expiry == fixed.entitled?.expiry && story.expiriesDiffer, "\(story.expiriesText)")
        #expect(story.holds.hasPrefix("20"), "a revoked user keeps an expiry of the revoke's day")
        #expect(story.openRetry.isEmpty && story.openReview.isEmpty)
        #expect(story.fixLink.hasPrefix("used by the customer"))
        // The text the command prints names every step.
        let text = story.text()
        for word in ["review.added", "mail.sent", ActorName.customerViaLink, "queued: temporary failure", "revoke",
                     "TradingView holds: none", "purchases entitle: 20", "DIFFERS", "cli (tester)", "console (tester)", "webhook"] {
            #expect(text.contains(word), "\(word) missing from:\n\(text)")
        }
        try rig.expectNoSecrets()
    }
}

private struct NoStory: Error, CustomStringConvertible {
    var description: String { "history --user found no story of BacktestBella" }
}
