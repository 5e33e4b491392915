import AccessCore
import Foundation
import NIOCore
@testable import AccessSandbox

/// An HTTP + SMTP server on loopback for exercising real libcurl (timeouts, resets, retries, SMTP
/// delivery and its failures) without the sandbox's world: the sandbox's own Hummingbird server and
/// SMTP sink with routes of their own. Routes: `/echo` (method, headers, body and query back as JSON),
/// `/slow?s=N`, `/reset` (the connection closed unanswered), `/flaky?key=K&fail=N` (503 with
/// Retry-After: 0 for the first N calls per key), `/mail` (what SMTP took). SMTP takes the password
/// `smtp-pass` only and refuses recipients whose address holds "reject".
final class LoopbackFixtureServer: Sendable {
    let httpURL: String
    let smtpURL: String
    private let http: Task<Void, Never>
    private let smtp: any Channel

    private struct Record: Sendable {
        var calls: [String: Int] = [:]
        var mail: [AccessSandbox.MailMessage] = []
    }

    private init(httpURL: String, smtpURL: String, http: Task<Void, Never>, smtp: any Channel) {
        self.httpURL = httpURL; self.smtpURL = smtpURL; self.http = http; self.smtp = smtp
    }

    static func start() async throws -> LoopbackFixtureServer {
        let record = Locked(Record())
        let smtp = try await SMTPServer.start(host: "127.0.0.1", port: 0,
                                              policy: SMTPPolicy(password: "smtp-pass", refuses: { $0.contains("reject") })) { message in
            record.withLock { $0.mail.append(message) }
        }
        do {
            let (port, task) = try await HTTPServer.start(host: "127.0.0.1", port: 0) { request in
                await answer(request, record)
            }
            return LoopbackFixtureServer(httpURL: "http://127.0.0.1:\(port)", smtpURL: "smtp://127.0.0.1:\(smtp.localAddress?.port ?? 0)",
                                         http: task, smtp: smtp)
        } catch {
            try? await smtp.close().get()
            throw error
        }
    }

    private static func answer(_ request: SandboxRequest, _ record: Locked<Record>) async -> Reply {
        switch request.path {
        case "/echo":
            // The body as Latin-1: every byte comes back as one character, NULs included.
            let body = String(request.body.map { Character(Unicode.Scalar($0)) })
            let echo = JSONValue.object([
                ("method", .string(request.method)),
                ("headers", .object(request.headers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("body", .string(body)),
                ("query", .object(request.query.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ])
            var reply = Reply.json(200, echo)
            reply.headers = [("X-Fixture", "Yes")]
            return reply
        case "/slow":
            try? await Task.sleep(for: .seconds(Double(request.query["s"] ?? "2") ?? 2))
            return .json(200, .object([]))
        case "/reset":
            return .reset
        case "/flaky":
            let key = request.query["key"] ?? "", fail = Int(request.query["fail"] ?? "1") ?? 1
            let calls = record.withLock { r in r.calls[key, default: 0] += 1; return r.calls[key]! }
            guard calls > fail else {
                var reply = Reply.detail(503, "busy")
                reply.headers = [("Retry-After", "0")]
                return reply
            }
            return .json(200, .object([("calls", .int(calls))]))
        case "/mail":
            let mail = record.withLock { $0.mail }
            let body = (try? JSONEncoder().encode(mail)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
            return Reply(status: 200, body: body)
        default:
            return .detail(404, "no route")
        }
    }

    func stop() async {
        http.cancel()
        await http.value
        try? await smtp.close().get()
    }
}
