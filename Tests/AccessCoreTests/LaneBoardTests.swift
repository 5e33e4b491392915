import Foundation
import Testing
@testable import AccessCore

@Suite struct LaneBoardTests {
    typealias F = Fixture

    func write(_ name: String, script: String = F.script, known: String? = nil) -> PlannedWrite {
        PlannedWrite(scriptId: script, key: Username.key(name), username: known ?? name, needsValidation: known == nil,
                     operation: .grant, before: .none, after: .lifetime, covers: [])
    }

    @Test func nothingIsPlannedBeforeThePurchasesAndEachScriptOnce() {
        var board = LaneBoard(listing: [F.script, F.other], haveTransactions: false)
        board.ready(F.script, users: [:])
        #expect(board.takePlannable().isEmpty, "no plan without the purchases")
        board.transactionsArrived()
        #expect(board.takePlannable() == [F.script])
        #expect(board.takePlannable().isEmpty)
        board.ready(F.other, users: [:])
        #expect(board.takePlannable() == [F.other])
    }

    @Test func knownNamesGoAtOnceAndUnknownOnesWaitForEveryList() {
        var board = LaneBoard(listing: [F.script, F.other], haveTransactions: true)
        board.ready(F.script, users: ["ann": F.user("Ann", nil)])
        let admitted = board.admit([write("Ann", known: "Ann"), write("ann"), write("bob"), write("cat")])
        #expect(admitted.map(\.username) == ["Ann", "Ann"], "a name a ready script holds needs no validation")
        #expect(admitted.allSatisfy { !$0.needsValidation })
        #expect(board.release().isEmpty, "another list is still loading: it may hold bob or cat")

        board.ready(F.other, users: ["bob": F.user("Bob", nil)])
        let released = board.release()
        #expect(released.map(\.username) == ["Bob", "cat"], "bob's spelling comes from the other list")
        #expect(released.map(\.needsValidation) == [false, true], "only a name no list holds is validated")
        #expect(board.release().isEmpty, "released once")
        #expect(board.admit([write("dan")]).map(\.username) == ["dan"], "every list is read: nothing waits any more")
    }

    @Test func aNameOnAPageOfAListStillLoadingLetsItsWritesGo() {
        var board = LaneBoard(listing: [F.script, F.other], haveTransactions: true)
        board.ready(F.script, users: [:])
        #expect(board.admit([write("bob"), write("cat"), write("bob", script: F.other)]).isEmpty)
        board.revealed([RemoteAccess(username: "Bob", expiry: nil)])
        let early = board.release()
        #expect(early.map(\.username) == ["Bob", "Bob"] && early.allSatisfy { !$0.needsValidation },
                "the page showed Bob: no validation, TradingView's spelling")
        #expect(board.release().isEmpty, "cat may still be on a later page")
        #expect(!board.takePlannable().contains(F.other), "a script is planned from its whole list only")
        board.ready(F.other, users: [:])
        #expect(board.release().map(\.username) == ["cat"])
    }

    @Test func aScriptThatSitsThePassOutHoldsNothingBack() {
        var board = LaneBoard(listing: [F.script, F.other], haveTransactions: true)
        board.ready(F.script, users: [:])
        #expect(board.admit([write("eve")]).isEmpty)
        board.dropped(F.other)
        #expect(board.listsDone)
        #expect(board.release().map(\.username) == ["eve"])
    }
}
