import Foundation
import Testing
@testable import AccessCore

/// Issue 19.8: an event kind's name comes from an exhaustive switch; every kind is listed, named once.
@Suite struct EventKindTests {
    @Test func everyKindHasOneUniqueNameThatReadsBack() {
        var seen: [String: EventKind] = [:]
        for kind in EventKind.allCases {
            #expect(!kind.name.isEmpty, "\(kind) has no name")
            #expect(kind.name.allSatisfy { $0.isLetter || $0 == "." || $0 == "_" || $0 == "-" }, "\(kind.name)")
            if let other = seen[kind.name] { Issue.record("\(kind) and \(other) are both \(kind.name)") }
            seen[kind.name] = kind
            #expect(EventKind(name: kind.name) == kind, "\(kind.name) reads back as \(EventKind(name: kind.name))")
            if case .unknown = kind { Issue.record("allCases lists .unknown") }
        }
        #expect(EventKind(name: "from.a.newer.build") == .unknown("from.a.newer.build"))
        #expect(EventKind.done(.grant) == .writeApplied(.grant) && EventKind.done(.grant).name == "grant.ok")
        #expect(EventKind.done(.validate) == .actionDone(.validate))
    }

    /// The compiler makes `name` name every case; this makes `allCases` list every case the enum
    /// declares, so `EventKind(name:)` reads each one back.
    @Test func allCasesListsEveryDeclaredCase() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/AccessCore/Events/EventKind.swift")
        let text = try String(contentsOf: file, encoding: .utf8)
        // The declarations: `    case a, b(X), c` lines between the enum's brace and `name`.
        let body = text.components(separatedBy: "public enum EventKind")[1].components(separatedBy: "public var name")[0]
        var declared = Set<String>()
        for line in body.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("case ") else { continue }
            var depth = 0
            var current = ""
            for c in trimmed.dropFirst(5) {
                if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
                else if depth == 0, c == "," { declared.insert(current.trimmingCharacters(in: .whitespaces)); current = "" }
                else if depth == 0 { current.append(c) }
            }
            declared.insert(current.trimmingCharacters(in: .whitespaces))
        }
        declared.remove("unknown")
        let listed = Set(EventKind.allCases.map { String(String(describing: $0).prefix { $0 != "(" }) })
        #expect(declared.count > 60)
        #expect(declared == listed, "declared, not listed: \(declared.subtracting(listed)); listed, not declared: \(listed.subtracting(declared))")
    }
}
