import Foundation
import Testing
@testable import ConsoleUI

@Suite struct KeyTableTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md")

    /// The README documents the keys the console has: its table is the registry's, word for word
    /// (`access-console keys` prints it).
    @Test func readmeKeyTableIsTheRegistry() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        #expect(text.contains(KeyTable.markdown() + "\n"), "README.md's key table differs: paste `access-console keys` over it")
    }

    @Test func everyBindingHasARow() {
        let rows = KeyTable.markdown().split(separator: "\n").dropFirst(2)
        #expect(rows.count == Keymap.standard.bindings.count)
        #expect(rows.contains("| `A` | Retry | retry all | yes |"))
        #expect(rows.contains("| Shift-Tab | anywhere | previous pane |  |"))
    }
}
