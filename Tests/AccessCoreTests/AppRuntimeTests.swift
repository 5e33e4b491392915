import Foundation
import Testing
@testable import AccessCore

@Suite struct AppRuntimeTests {
    /// A workspace whose config names `template` as the invalid-username mail (relative to its config.json).
    func workspace(_ dir: URL, template: String) throws -> String {
        try DemoWorkspace.prepare(
            templateConfig: ConfigTests.repoConfig, directory: dir,
            endpoints: .unreachable,
            cookies: nil, environment: [:]) { doc in
                var email = doc["email"] as! [String: Any]
                email["template"] = template
                doc["email"] = email
            }
    }

    @Test func invalidUsernameMailUsesTheConfiguredTemplateRelativeToTheConfig() throws {
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "runtime-test")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "<p>Dear {{name}}: no account {{username}} for {{product}} ({{transaction_id}})</p>"
            .write(to: dir.appendingPathComponent("mail.html"), atomically: true, encoding: .utf8)
        let path = try workspace(dir, template: "mail.html")
        let runtime = try AppRuntime.open(configPath: path, environment: [:])
        let item = ReviewItem(id: "7", reason: .invalidUsername, typedName: "<script>", email: "ann@example.com",
                              transactionId: "7", productId: "101", term: .months(1), detail: "", createdAt: Date())
        let mail = InvalidUsernameMail.message(for: item, settings: runtime.actions.settings)
        #expect(mail.html == "<p>Dear ann: no account &lt;script&gt; for Alpha monthly (7)</p>")
        #expect(mail.to == "ann@example.com")
        #expect(mail.subject == "Please check your TradingView username")
    }

    @Test func aMissingTemplateIsAConfigErrorNamingTheKey() throws {
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "runtime-test")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try workspace(dir, template: "nope.html")
        do {
            _ = try AppRuntime.open(configPath: path, environment: [:])
            Issue.record("expected a config error")
        } catch let e as ConfigError {
            #expect(e.issues.first?.path == "email.template")
        }
    }
}
