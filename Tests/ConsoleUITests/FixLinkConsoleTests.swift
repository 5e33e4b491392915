import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

/// A customer fixed their name through the mail link (in the daemon): the console, reading the same
/// master data and log, shows the review item gone, the grant as the customer's, and the log line saying so.
@Suite struct FixLinkConsoleTests {
    @Test func aFixByTheCustomerShowsInUsersReviewAndLog() {
        var s = Fixture.state(size: Size(width: 200, height: 60))
        #expect(s.screen.contains("@jonh smith"))
        let snapshot = Fixture.snapshot { scripts in
            scripts[0].apply(.dropReview(id: "tx-9"))
            scripts[0].apply(.upsertUser(UserAccess(
                username: "JohnSmith", email: "john@example.com", expiry: Fixture.now.addingTimeInterval(30 * 86_400),
                history: [HistoryEntry(at: Fixture.now, actor: ActorName.customerViaLink, action: "grant", transactionId: "tx-9")])))
        }
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(snapshot)))
        _ = ConsoleReducer.reduce(&s, .core([
            AccessEvent(time: Fixture.now, level: .notice, kind: .done(.reviewResolve), script: "PUB;alpha", user: "JohnSmith",
                        message: "review tx-9 resolved as JohnSmith by the customer (fix link): grant JohnSmith: until 2025-07-15",
                        fields: ["actor": ActorName.customerViaLink, "dryRun": "false"]),
        ]))
        let screen = s.screen
        #expect(!screen.contains("@jonh smith"))
        #expect(screen.contains("Review · 0"))
        let row = screen.lines.first { $0.contains("JohnSmith") && $0.contains("john@example.com") }
        #expect(row?.contains("grant by customer") == true, "\(row ?? "no row")")
        let logLine = screen.lines.first { $0.contains("review-resolv") && $0.contains("notice") }
        #expect(logLine?.contains("resolved as JohnSmith by the customer (fix link)") == true, "\(logLine ?? "no log line")")
        // Enter on the log line shows every field, the actor among them.
        Fixture.press(&s, [.char("6"), .char("p"), .enter])
        #expect(s.screen.contains("actor: customer via fix link"))
    }
}
