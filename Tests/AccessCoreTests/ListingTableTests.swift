import Foundation
import Testing
@testable import AccessCore

/// Issue 20, the design step: a table with a header row at a terminal, JSON lines in a pipe or with --json.
@Suite struct ListingTableTests {
    @Test func aTerminalGetsTheTableAPipeOrJsonGetsLines() {
        #expect(ListingMode.choose(json: false, stdoutIsTerminal: true) == .table)
        #expect(ListingMode.choose(json: false, stdoutIsTerminal: false) == .jsonLines)
        #expect(ListingMode.choose(json: true, stdoutIsTerminal: true) == .jsonLines)
        #expect(ListingMode.choose(json: true, stdoutIsTerminal: false) == .jsonLines)
    }

    @Test func theTableHasAHeaderRowAndColumnsThatLineUp() {
        let lines = ListingTable.lines(header: ["SCRIPT", "ID", "DETAIL"],
                                       rows: [["PUB;a", "tx-1", "no such user"], ["PUB;bbbbbb", "t\u{1B}[2J", "x"]])
        #expect(lines == ["SCRIPT      ID      DETAIL",
                          "PUB;a       tx-1    no such user",
                          "PUB;bbbbbb  t^[[2J  x"])
        let long = ListingTable.lines(header: ["A", "B"], rows: [[String(repeating: "x", count: 60), "y"]], maxWidth: 10)
        #expect(long[1] == "xxxxxxxxx…  y")
    }

    @Test func jsonLinesAreOneObjectPerItemWithItsScript() throws {
        let item = ReviewItem(id: "tx-4", reason: .invalidUsername, typedName: "bad\nname", email: "f@example.com",
                              transactionId: "tx-4", productId: "101", term: .lifetime, detail: "not a name",
                              createdAt: Date(timeIntervalSince1970: 0))
        let lines = ListingTable.jsonLines([ScriptItem(scriptId: "PUB;x", item: item), ScriptItem(scriptId: "PUB;y", item: item)])
        #expect(lines.count == 2 && lines.allSatisfy { !$0.contains("\n") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["scriptId"] as? String == "PUB;x" && object["id"] as? String == "tx-4" && object["typedName"] as? String == "bad\nname")
    }
}
