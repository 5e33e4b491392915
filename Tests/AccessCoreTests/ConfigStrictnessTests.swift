import Foundation
import Testing
@testable import AccessCore

/// Issue 11.8: `config check` refuses first, one line each with file and JSON path, what the program would
/// refuse (or silently ignore) later.
@Suite struct ConfigStrictnessTests {
    let base = ConfigTests()

    func with(_ edit: (inout [String: Any]) -> Void) throws -> [String] {
        var doc = try base.exampleDoc()
        edit(&doc)
        return base.issues(doc)
    }

    static func set(_ doc: inout [String: Any], _ path: [String], _ value: Any) {
        guard let first = path.first else { return }
        if path.count == 1 { doc[first] = value; return }
        var inner = doc[first] as? [String: Any] ?? [:]
        set(&inner, Array(path.dropFirst()), value)
        doc[first] = inner
    }

    @Test func unknownKeysBelowTheTopLevelAreNamedWithTheirPath() throws {
        let cases: [([String], String)] = [
            (["wordpress", "per_pge"], "wordpress.per_pge"),
            (["wordpress", "retries", "max_atempts"], "wordpress.retries.max_atempts"),
            (["tradingview", "concurency"], "tradingview.concurency"),
            (["scheduler", "intervall_minutes"], "scheduler.intervall_minutes"),
            (["scheduler", "retry_queue", "max_attemps"], "scheduler.retry_queue.max_attemps"),
            (["paths", "vaults"], "paths.vaults"),
            (["email", "subjet"], "email.subjet"),
            (["console", "kyes"], "console.kyes"),
            (["products", "101", "trem"], "products.101.trem"),
        ]
        for (path, name) in cases {
            let issues = try with { Self.set(&$0, path, 1) }
            #expect(issues.contains { $0.contains(name + ": unknown key") }, "\(name): \(issues)")
        }
        let scripts = try with { doc in
            var products = doc["products"] as! [String: Any]
            var p = products["101"] as! [String: Any]
            var list = p["scripts"] as! [[String: Any]]
            list[0]["stacknig"] = true
            p["scripts"] = list; products["101"] = p; doc["products"] = products
        }
        #expect(scripts.contains { $0.contains("products.101.scripts[0].stacknig: unknown key") }, "\(scripts)")
        #expect(try with { Self.set(&$0, ["wordpress", "_note"], "comments are fine") }.isEmpty)
    }

    @Test func lineBreaksInHeadersAndSubjectsAreRefused() throws {
        let subject = try with { Self.set(&$0, ["email", "subject"], "Hi\r\nBcc: everyone@example.com") }
        #expect(subject.contains { $0.contains("email.subject: contains a line break") }, "\(subject)")
        #expect(!subject.joined().contains("\n"), "the bad value is not echoed with its line break")
        let header = try with { Self.set(&$0, ["wordpress", "auth", "header"], "X-Key\r\nX-Evil: 1") }
        #expect(header.contains { $0.contains("wordpress.auth.header: contains a line break") }, "\(header)")
    }

    @Test func aMissingTemplateAndANonIntegerAreNamed() throws {
        let template = try with { Self.set(&$0, ["email", "template"], "templates/nope.html") }
        #expect(template.contains { $0.contains("email.template: no such file") }, "\(template)")
        let perPage = try with { Self.set(&$0, ["wordpress", "per_page"], 2.5) }
        #expect(perPage.contains { $0.contains("wordpress.per_page: expected a whole number, got 2.5") }, "\(perPage)")
    }

    /// Issue 18: the scheduled audit's settings are checked like the rest.
    @Test func auditSettingsAreChecked() throws {
        #expect(try with { Self.set(&$0, ["scheduler", "audit_hours"], 0.01) }.isEmpty, "fractions allowed (tests)")
        #expect(try with { Self.set(&$0, ["scheduler", "audit_hours"], 0) }.isEmpty, "0 turns it off")
        #expect(try with { Self.set(&$0, ["audit", "repair"], "all") }.isEmpty)
        #expect(try with { Self.set(&$0, ["audit", "repair"], "own_writes") }.isEmpty)
        let negative = try with { Self.set(&$0, ["scheduler", "audit_hours"], -1) }
        #expect(negative.contains { $0.contains("scheduler.audit_hours") }, "\(negative)")
        let text = try with { Self.set(&$0, ["scheduler", "audit_hours"], "daily") }
        #expect(text.contains { $0.contains("scheduler.audit_hours") }, "\(text)")
        let policy = try with { Self.set(&$0, ["audit", "repair"], "everything") }
        #expect(policy.contains { $0.contains("audit.repair") && $0.contains("own_writes, all") }, "\(policy)")
        let unknown = try with { Self.set(&$0, ["audit", "repiar"], "all") }
        #expect(unknown.contains { $0.contains("audit.repiar: unknown key") }, "\(unknown)")
        var doc = try base.exampleDoc()
        Self.set(&doc, ["scheduler", "audit_hours"], 0.5)
        Self.set(&doc, ["audit", "repair"], "all")
        let config = try JSONDecoder().decode(AppConfig.self, from: JSONSerialization.data(withJSONObject: doc))
        #expect(config.scheduler.auditHours == 0.5 && config.audit?.repair == .all)
    }

    @Test func syntaxErrorsSayLineAndColumn() {
        let text = "{\n  \"wordpress\": {\n    \"base_url\": \"x\",,\n  }\n}"
        do {
            _ = try ConfigLoader.parse(Data(text.utf8), file: "config.json")
            Issue.record("accepted broken JSON")
        } catch let e as ConfigError {
            #expect(e.description.contains("line 3, column 21"), "\(e.description)")
        } catch { Issue.record("\(error)") }
    }
}
