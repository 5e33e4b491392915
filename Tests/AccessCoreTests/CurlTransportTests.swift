import Foundation
import Testing
@testable import AccessCore

/// Real libcurl against a loopback Python fixture: bodies, headers, timeouts, resets, refusals, retries, SMTP.
@Suite(.serialized) struct CurlTransportTests {
    static func withFixture(_ body: (LoopbackFixtureServer) async throws -> Void) async throws {
        let server = try await LoopbackFixtureServer.start()
        do { try await body(server) } catch { await server.stop(); throw error }
        await server.stop()
    }

    struct Echo: Decodable { var method: String; var headers: [String: String]; var body: String; var query: [String: String] }

    @Test func sendsMethodHeadersAndBodyAndParsesTheAnswer() async throws {
        try await Self.withFixture { server in
            let transport = CurlTransport()
            let body = Data("pine_id=PUB%3Babc&x=\u{0}binary".utf8)
            let response = try await transport.send(HTTPRequest(method: "POST", url: server.httpURL + "/echo?s=1",
                                                                headers: [("X-Custom", "v1"), ("Content-Type", "application/x-www-form-urlencoded")],
                                                                body: body))
            #expect(response.status == 200)
            #expect(response.headers["x-fixture"] == "Yes")
            #expect(response.headers["content-type"] == "application/json")
            let echo = try JSONDecoder().decode(Echo.self, from: response.body)
            #expect(echo.method == "POST")
            #expect(echo.headers["x-custom"] == "v1")
            #expect(echo.body == "pine_id=PUB%3Babc&x=\u{0}binary")
            #expect(echo.query == ["s": "1"])
            let get = try await transport.send(HTTPRequest(url: server.httpURL + "/echo"))
            #expect(try JSONDecoder().decode(Echo.self, from: get.body).method == "GET")
            let notFound = try await transport.send(HTTPRequest(url: server.httpURL + "/nowhere"))
            #expect(notFound.status == 404)
        }
    }

    @Test func timeoutIsTransient() async throws {
        try await Self.withFixture { server in
            let transport = CurlTransport(options: .init(connectTimeout: 1, timeout: 0.5, serviceName: "Fixture"))
            let start = Date()
            do {
                _ = try await transport.send(HTTPRequest(url: server.httpURL + "/slow?s=3"))
                Issue.record("expected a timeout")
            } catch let error as RemoteError {
                #expect(error.isTransient)
                #expect(error.description.contains("Fixture"))
            }
            #expect(Date().timeIntervalSince(start) < 2.5)
        }
    }

    @Test func resetAndRefusedAreTransient() async throws {
        try await Self.withFixture { server in
            let transport = CurlTransport()
            await #expect(throws: RemoteError.self) { try await transport.send(HTTPRequest(url: server.httpURL + "/reset")) }
            do { _ = try await transport.send(HTTPRequest(url: server.httpURL + "/reset")) } catch let e as RemoteError { #expect(e.isTransient) }
        }
        do {
            _ = try await CurlTransport().send(HTTPRequest(url: "http://127.0.0.1:1/"))
            Issue.record("expected connection refused")
        } catch let error as RemoteError {
            #expect(error.isTransient)
        }
    }

    @Test func refusesBadURLsAndHeaderInjection() async throws {
        await #expect(throws: RemoteError.self) { try await CurlTransport().send(HTTPRequest(url: "file:///etc/passwd")) }
        do {
            _ = try await CurlTransport().send(HTTPRequest(url: "ftp://127.0.0.1/"))
        } catch let error as RemoteError {
            if case .notConfigured = error {} else { Issue.record("expected notConfigured, got \(error)") }
        }
        await #expect(throws: RemoteError.self) {
            try await CurlTransport().send(HTTPRequest(url: "http://127.0.0.1:1/", headers: [("X", "a\r\nEvil: 1")]))
        }
    }

    @Test func resilientClientRetriesOverRealCurl() async throws {
        try await Self.withFixture { server in
            let http = ResilientHTTP(serviceName: "Fixture", transport: CurlTransport(),
                                     policy: RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.05), perMinute: 6000, concurrency: 2)
            let response = try await http.send(HTTPRequest(url: server.httpURL + "/flaky?key=a&fail=2"), endpoint: "fixture.flaky")
            #expect(response.status == 200)
            #expect(http.callCounts() == ["fixture.flaky": 3])
            await #expect(throws: RemoteError.self) {
                try await http.send(HTTPRequest(url: server.httpURL + "/flaky?key=b&fail=9"), endpoint: "fixture.down")
            }
            #expect(http.callCounts()["fixture.down"] == 4)
        }
    }

    @Test func concurrentRequestsAllComplete() async throws {
        try await Self.withFixture { server in
            let http = ResilientHTTP(serviceName: "Fixture", transport: CurlTransport(options: .init(threads: 4)), concurrency: 4)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 { group.addTask { try await http.send(HTTPRequest(url: server.httpURL + "/echo"), endpoint: "e").status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 20))
        }
    }

    @Test func smtpDeliversThroughCurl() async throws {
        try await Self.withFixture { server in
            let config = EmailConfig(enabled: true, smtpUrl: server.smtpURL, username: "shop", password: SecretRef(value: "smtp-pass"),
                                     from: "shop@example.com", subject: nil, template: nil, startTls: false, timeoutSeconds: 5)
            let mailer = try SMTPMailer(config: config, environment: [:])
            let html = MailTemplate.invalidUsername.render(["name": "Ann <3", "username": "@nn"])
            try await mailer.send(MailMessage(to: "ann@example.com", subject: "Username not found", html: html))
            let inbox = try await CurlTransport().send(HTTPRequest(url: server.httpURL + "/mail"))
            struct Mail: Decodable { var from: String; var to: [String]; var data: String }
            let mails = try JSONDecoder().decode([Mail].self, from: inbox.body)
            #expect(mails.count == 1)
            #expect(mails.first?.from == "shop@example.com")
            #expect(mails.first?.to == ["ann@example.com"])
            #expect(mails.first?.data.contains("Subject: Username not found\r\n") == true)
            #expect(mails.first?.data.contains("Content-Type: text/html; charset=utf-8") == true)

            await #expect(throws: MailError.self) {
                try await mailer.send(MailMessage(to: "reject@example.com", subject: "x", html: ""))
            }
            let wrong = try SMTPMailer(config: EmailConfig(enabled: true, smtpUrl: server.smtpURL, username: "shop",
                                                           password: SecretRef(value: "nope"), from: "shop@example.com", subject: nil,
                                                           template: nil, startTls: false, timeoutSeconds: 5), environment: [:])
            do {
                try await wrong.send(MailMessage(to: "ann@example.com", subject: "x", html: ""))
                Issue.record("expected a login failure")
            } catch let error as MailError {
                if case .notConfigured(let detail) = error { #expect(!detail.contains("nope")) } else { Issue.record("got \(error)") }
            }
        }
    }
}
