import Foundation
import Testing

/// Issue 19: every `@unchecked Sendable` in Sources/ says why the compiler cannot check it, in a
/// `// unchecked: <reason>` line within the three lines above the declaration (a lock-plus-var type
/// uses `Locked` instead and needs no such line).
@Suite struct UncheckedSendableTests {
    /// Line numbers (1-based) of `@unchecked Sendable` declarations in `text` without a reason line.
    static func unexplained(in text: String) -> [Int] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var found: [Int] = []
        for (i, line) in lines.enumerated() where line.contains("@unchecked Sendable") && !line.hasPrefix("//") {
            let above = lines[max(0, i - 3)..<i]
            if !above.contains(where: { $0.hasPrefix("// unchecked:") }) { found.append(i + 1) }
        }
        return found
    }

    @Test func reasonLineIsFoundWithinThreeLinesAbove() {
        let explained = "// unchecked: a pointer nobody writes.\n/// Doc.\nstruct A: @unchecked Sendable {}\n"
        #expect(Self.unexplained(in: explained).isEmpty)
        let bare = "/// Doc.\nfinal class B: @unchecked Sendable {}\n"
        #expect(Self.unexplained(in: bare) == [2])
        let tooFar = "// unchecked: far.\n\n\n\nstruct C: @unchecked Sendable {}\n"
        #expect(Self.unexplained(in: tooFar) == [5])
        // A comment that only mentions the words is no declaration.
        #expect(Self.unexplained(in: "// uses no @unchecked Sendable here\n").isEmpty)
    }

    @Test func everyUncheckedSendableInSourcesSaysWhy() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let walker = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        var offenders: [String] = []
        var scanned = 0
        for case let url as URL in walker where url.pathExtension == "swift" {
            scanned += 1
            let text = try String(contentsOf: url, encoding: .utf8)
            offenders += Self.unexplained(in: text).map { "\(url.path.replacingOccurrences(of: sources.path + "/", with: "")):\($0)" }
        }
        #expect(scanned > 50)
        #expect(offenders == [])
    }

    /// Every lock-guarded value is a `Locked` (a `Mutex` whose hand-offs the thread sanitizer sees): a
    /// bare `Mutex` would make the TSan run report races that are not there, and hide the ones that are.
    @Test func noBareMutexOutsideLocked() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var offenders: [String] = []
        for dir in ["Sources", "Tests"] {
            let base = root.appendingPathComponent(dir)
            let walker = try #require(FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil))
            for case let url as URL in walker where url.pathExtension == "swift" && url.lastPathComponent != "Locked.swift"
                && url.lastPathComponent != "UncheckedSendableTests.swift" {
                let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                for (i, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//")
                    && (line.contains("Mutex<") || line.contains("Mutex(")) {
                    offenders.append("\(dir)/\(url.lastPathComponent):\(i + 1)")
                }
            }
        }
        #expect(offenders == [], "use Locked (Sources/AccessCore/Concurrency/Locked.swift)")
    }
}
