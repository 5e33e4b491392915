import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

/// Issue 21, part 2: Enter on a user (or `:user NAME`) opens their story.
@Suite struct UserDetailTests {
    static func story(_ name: String = "Alice") -> UserStory? {
        var script = ScriptAccess(scriptId: "PUB;alpha", title: "Alpha Trend")
        script.apply(.upsertUser(UserAccess(username: name, email: "alice@example.com", expiry: Fixture.now.addingTimeInterval(30 * 86_400), history: [
            HistoryEntry(at: Fixture.now.addingTimeInterval(-86_400 * 20), actor: "sync", action: "grant",
                         expiry: Fixture.now.addingTimeInterval(10 * 86_400), transactionId: "tx-1"),
            HistoryEntry(at: Fixture.now.addingTimeInterval(-3600), actor: "admin", action: "extend",
                         expiry: Fixture.now.addingTimeInterval(30 * 86_400)),
        ])))
        let mail = AccessEvent(time: Fixture.now.addingTimeInterval(-7200), kind: .actionDone(.reviewEmail), script: "PUB;alpha",
                               user: name, message: "invalid-username email for review tx-1 sent again", fields: ["actor": "admin"])
        return UserStory.build(script: script, username: name, events: [mail])
    }

    @Test func enterOpensTheDetailAtOnceThenTheStoryFillsIn() {
        var s = Fixture.state(size: Size(width: 120, height: 40))
        let effects = Fixture.press(&s, [.enter])
        #expect(effects == [.userStory(script: "PUB;alpha", user: "Alice")])
        #expect(s.screen.contains("Holds now: 2025-07-15 (30 days left)"))
        #expect(s.screen.contains("reading the history…"))
        _ = ConsoleReducer.reduce(&s, .result(effects[0], .story(Self.story())))
        let screen = s.screen
        #expect(screen.contains("Fix link: none"))
        #expect(screen.contains("grant") && screen.contains("sync") && screen.contains("tx-1"))
        #expect(screen.contains("extend") && screen.contains("admin"))
        #expect(screen.contains("review-email.ok"), "the mail from the event log is in the story")
        Fixture.press(&s, [.escape])
        #expect(s.modal == nil)
    }

    @Test func colonUserOpensAnyUserOfTheScript() {
        var s = Fixture.state()
        let e = Fixture.press(&s, [.char(":")] + Fixture.type("user carol") + [.enter])
        #expect(e == [.userStory(script: "PUB;alpha", user: "Carol")])
        guard case .userDetail(let d) = s.modal else { Issue.record("no detail"); return }
        #expect(d.username == "Carol")
    }

    @Test func aStoryForAnotherUserDoesNotLandInTheOpenDetail() {
        var s = Fixture.state()
        Fixture.press(&s, [.enter])
        _ = ConsoleReducer.reduce(&s, .result(.userStory(script: "PUB;alpha", user: "Carol"), .story(Self.story("Carol"))))
        guard case .userDetail(let d) = s.modal else { Issue.record("no detail"); return }
        #expect(!d.loaded)
    }

    @Test func storyTextListsEveryLineInOrderWithItsActor() throws {
        let story = try #require(Self.story())
        #expect(story.lines.map(\.action) == ["grant", "review-email.ok", "extend"])
        #expect(story.lines.map(\.actor) == ["sync", "admin", "admin"])
        let text = story.text()
        #expect(text.contains("holds: 2025-07-15"))
    }
}
