import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

/// Issue 18: users the daemon's last audit found different on TradingView are marked in the Users pane.
@Suite struct AuditMarkerTests {
    @Test func driftedUsersAreMarkedInTheUsersPane() {
        var s = Fixture.state(size: Size(width: 200, height: 60))
        #expect(!s.screen.lines.joined().contains("drift"))
        var snap = Fixture.snapshot()
        snap.others.drifted = ["PUB;alpha": ["carol"]]
        _ = ConsoleReducer.reduce(&s, .result(.loadOverview, .overview(snap)))
        let lines = s.screen.lines
        let carol = lines.first { $0.contains("Carol") } ?? ""
        #expect(carol.contains("drift"), "\(carol)")
        #expect(!(lines.first { $0.contains("Alice") } ?? "").contains("drift"))
        #expect(lines.contains { $0.contains("1 differ on TradingView") })
    }
}
