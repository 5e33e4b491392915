import AccessCore
import Foundation
import Hummingbird
import Metrics
import NIOCore

/// The daemon's HTTP API. Secrets are compared in constant time and never echoed; outside text is not
/// reflected back.
struct DaemonRoutes: Sendable {
    let runtime: AppRuntime
    let coordinator: RunCoordinator
    let inbox: WebhookInbox
    let metrics: DaemonMetrics
    let queues: QueueSizes
    let apiToken: String?
    let webhookKey: String?
    let maxBodyBytes: Int
    /// The session watch's last and next check (nil fields while it is off or has not run).
    var sessionWatch = SessionWatchBoard()
    /// The scheduled audit's last report and next time (`AuditService`).
    var audit = AuditBoard()
    /// The customer fix-link pages; nil while `server.public_base_url` is unset.
    var fix: FixRoutes?
    /// One `webhook.refused` line per window; every refusal is counted in `accessconsole_webhook_refused_total`.
    /// Anyone can send a wrong key: a line each would let them fill the log and journald (3,000 in 1.2 s).
    var refusedNotices = FixRateLimiter(limit: 1, window: 600)

    /// The first value of a header, by case-insensitive name.
    static func header(_ request: Request, _ name: String) -> String? {
        request.headers.first { $0.name.canonicalName == name }?.value
    }

    func router() -> Router<DaemonRequestContext> {
        let router = Router(context: DaemonRequestContext.self)
        router.get("/health") { _, _ in Reply.json(.ok, ["status": "ok"]) }
        router.get("/ready") { _, _ in await ready() }
        router.get("/status") { request, _ in
            guard authorized(request) else { return unauthorized() }
            return await status()
        }
        router.post("/sync") { request, _ in
            guard authorized(request) else { return unauthorized() }
            let dryRun = request.uri.queryParameters.get("dry_run").map { ["true", "1", "yes"].contains($0.lowercased()) } ?? false
            guard let run = await coordinator.requestSync(dryRun: dryRun, trigger: "api") else {
                return Reply.error(.serviceUnavailable, "shutting down: no new runs")
            }
            return Reply.json(.accepted, ["run": run, "dry_run": dryRun])
        }
        router.post("/webhooks/memberpress") { request, _ in await webhook(request) }
        fix?.register(router)
        router.get("/metrics") { _, _ in
            Reply.text(await metrics.scrape(runtime: runtime, coordinator: coordinator, queues: queues),
                       contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        return router
    }

    private func authorized(_ request: Request) -> Bool {
        guard let apiToken, let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        return ConstantTime.equal(String(header.dropFirst(7)), apiToken)
    }

    private func unauthorized() -> Response {
        var response = Reply.error(.unauthorized, apiToken == nil ? "server.api_token is not set: this route is closed"
                                                                  : "missing or wrong bearer token")
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }

    private func ready() async -> Response {
        var reasons = Readiness.reasons(runtime)
        if await coordinator.isStopping { reasons.append("daemon: shutting down") }
        return reasons.isEmpty ? Reply.json(.ok, ["ready": true]) : Reply.json(.serviceUnavailable, ["ready": false, "reasons": reasons])
    }

    private func status() async -> Response {
        let s = await coordinator.snapshot()
        let counts = queues.counts()
        let session = runtime.session.status()
        let body: [String: Any] = [
            "running": s.running.map(run) ?? NSNull(),
            "last_run": s.lastRun.map(run) ?? NSNull(),
            "last_success_at": Reply.iso(s.lastSuccessAt),
            "next_run_at": Reply.iso(s.nextScheduledAt),
            "failed_runs_in_a_row": s.consecutiveFailures,
            "queues": ["retry": counts.retry, "review": counts.review],
            "session": ["state": session.state.rawValue, "last_check": Reply.iso(session.lastCheck),
                        "account": session.account ?? NSNull(),
                        "watch_last_check": Reply.iso(sessionWatch.current.lastCheck),
                        "watch_next_check": Reply.iso(sessionWatch.current.nextCheck)],
            "webhooks": ["pending": s.webhookPending, "counts": s.webhookCounts],
            "audit": audit.json(),
        ]
        return Reply.json(.ok, body)
    }

    /// One run as JSON; its error text is redacted like the log (it may quote a remote answer).
    func run(_ r: RunRecord) -> [String: Any] {
        var out: [String: Any] = ["id": r.id, "kind": r.kind.rawValue, "trigger": r.trigger, "dry_run": r.dryRun,
                                  "started_at": Reply.iso(r.startedAt), "finished_at": Reply.iso(r.finishedAt),
                                  "outcome": r.outcome?.rawValue ?? NSNull()]
        if let s = r.summary {
            out["summary"] = ["processed": s.processed, "granted": s.granted, "extended": s.extended, "revoked": s.revoked,
                              "review": s.review, "retry": s.retry, "failed": s.failed, "skipped": s.skipped, "stale": s.stale,
                              "verified": s.verified, "repaired": s.repaired]
        }
        if let e = r.error { out["error"] = runtime.redactor.redact(e) }
        return out
    }

    private func webhook(_ request: Request) async -> Response {
        guard let webhookKey, let sent = Self.header(request, "memberpress-webhook-key"), ConstantTime.equal(sent, webhookKey) else {
            await coordinator.count(webhook: .other, "refused")
            Counter(label: "accessconsole_webhook_refused_total", dimensions: [("reason", webhookKey == nil ? "closed" : "key")]).increment()
            if refusedNotices.allow("webhook").allowed {
                runtime.events.emit(.warning, .webhookRefused, "MemberPress webhook refused: missing or wrong MEMBERPRESS-WEBHOOK-KEY "
                                    + "(more in the next 10 minutes are only counted in accessconsole_webhook_refused_total)")
            }
            return Reply.error(.unauthorized, webhookKey == nil ? "server.webhook_key is not set: this route is closed"
                                                                : "missing or wrong MEMBERPRESS-WEBHOOK-KEY")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            return await tooLarge()
        }
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: maxBodyBytes) } catch {
            if error is NIOTooManyBytesError { return await tooLarge() }
            return Reply.error(.badRequest, "body could not be read")
        }
        let delivery: WebhookDelivery
        do { delivery = try WebhookDelivery.parse(Data(buffer.readableBytesView)) } catch {
            await coordinator.count(webhook: .other, "malformed")
            let why = (error as? WebhookError)?.description ?? "webhook body refused"
            runtime.events.emit(.warning, .webhookMalformed, why)
            return Reply.error(.badRequest, why)
        }
        guard let id = delivery.transactionId else {
            await coordinator.count(webhook: .other, "ignored")
            runtime.events.emit(.info, .webhookIgnored, "MemberPress event \(delivery.event): nothing to do", fields: ["event": delivery.event])
            return Reply.json(.ok, ["status": "ignored", "event": delivery.event])
        }
        do {
            _ = try inbox.record(delivery, transactionId: id)
        } catch {
            runtime.events.emit(.error, .webhookInboxFailed, "\(error)")
            return Reply.error(.internalServerError, "could not record the delivery; MemberPress will send it again")
        }
        await coordinator.count(webhook: delivery.kind, "received")
        runtime.events.emit(.info, .webhookReceived, "\(delivery.event) for transaction \(id): queued for confirmation",
                            fields: ["event": delivery.event, "transaction": id, "kind": delivery.kind.rawValue])
        await coordinator.webhookRecorded()
        return Reply.json(.ok, ["status": "queued", "event": delivery.event])
    }

    private func tooLarge() async -> Response {
        await coordinator.count(webhook: .other, "too_large")
        runtime.events.emit(.warning, .webhookTooLarge, "MemberPress webhook refused: body over \(maxBodyBytes) bytes")
        return Reply.error(.contentTooLarge, "body over \(maxBodyBytes) bytes")
    }
}
