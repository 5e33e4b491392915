import Foundation

/// Delivers alert notices: a `POST {"text": ...}` to the configured incoming webhook (libcurl) and a
/// mail to each `email_to` address (the product's SMTP mailer). Failures are logged, never thrown.
public struct AlertSender: Sendable {
    let config: AlertsConfig
    let mailer: (any Mailer)?
    let transport: any HTTPTransport
    let events: EventHub

    public init(config: AlertsConfig, mailer: (any Mailer)?, transport: any HTTPTransport = CurlTransport(options: .init(
        connectTimeout: 5, timeout: 15, serviceName: "alert webhook")), events: EventHub) {
        self.config = config; self.mailer = mailer; self.transport = transport; self.events = events
    }

    public func send(_ notice: AlertMonitor.Notice) async {
        let fields = ["kind": notice.kind.rawValue, "phase": notice.phase.rawValue]
        events.emit(notice.urgent ? .error : .warning, notice.phase.eventKind, notice.text, fields: fields)
        if let url = config.webhookUrl {
            await postWebhook(url, notice.text, fields: fields)
        }
        if let mailer, let to = config.emailTo {
            let subject = (notice.urgent ? "[URGENT] " : "") + "AccessConsole: " + Self.title(notice)
            for address in to {
                do {
                    try await mailer.send(MailMessage(to: address, subject: subject, html: "<p>\(Self.escape(notice.text))</p>"))
                } catch {
                    events.emit(.error, .alertMailFailed, "alert mail to \(address) failed: \(error)", fields: fields)
                }
            }
        }
    }

    private func postWebhook(_ url: String, _ text: String, fields: [String: String]) async {
        do {
            let body = try JSONSerialization.data(withJSONObject: ["text": text], options: [.sortedKeys])
            let response = try await transport.send(HTTPRequest(method: "POST", url: url,
                                                                headers: [("Content-Type", "application/json")], body: body))
            guard (200...299).contains(response.status) else {
                events.emit(.error, .alertWebhookFailed, "alert webhook answered HTTP \(response.status)", fields: fields)
                return
            }
        } catch {
            events.emit(.error, .alertWebhookFailed, "alert webhook failed: \(error)", fields: fields)
        }
    }

    static func title(_ n: AlertMonitor.Notice) -> String {
        let what: String
        switch n.kind {
        case .sessionStale: what = "TradingView session stale"
        case .failedRuns: what = "sync runs failing"
        case .reviewStale: what = "manual review waiting"
        case .unverifiedWrites: what = "writes TradingView did not keep"
        case .auditDrift: what = "TradingView differs from master data (audit)"
        }
        switch n.phase {
        case .fired: return what
        case .reminder: return "still: " + what
        case .recovered: return "recovered: " + what
        }
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "`", with: "")
    }
}
