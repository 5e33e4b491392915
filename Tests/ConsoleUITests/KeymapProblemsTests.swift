import Testing
@testable import ConsoleUI

/// Issue 20.2: `config check` lists every `console.keys` problem at once, not only the first.
@Suite struct KeymapProblemsTests {
    @Test func everyProblemIsListed() {
        let problems = Keymap.standard.problems(["grnat": "G", "grant": "q", "extend": "ctrl-", "down": "w"])
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.contains("unknown action \"grnat\"") })
        #expect(problems.contains { $0.contains("q would do both") })
        #expect(problems.contains { $0.contains("console.keys.extend") && $0.contains("is not a key") })
    }

    @Test func actionsTradingKeysAreNoProblem() {
        // grant takes e while extend moves to g: each alone would clash, together they fit.
        #expect(Keymap.standard.problems(["extend": "g", "grant": "e"]).isEmpty)
        #expect(Keymap.standard.problems([:]).isEmpty)
    }
}
