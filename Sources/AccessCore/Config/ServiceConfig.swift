import Foundation

/// `server`: where the daemon listens and the secrets its routes check.
public struct ServerConfig: Codable, Sendable {
    public static let defaultListen = "127.0.0.1:8787"
    public static let defaultMaxBodyBytes = 262_144
    /// `HOST:PORT` (IPv4 or a name; `[v6]:PORT` for IPv6).
    public var listen: String?
    /// `Authorization: Bearer` token of `/status` and `/sync`; those routes answer 401 while it is unset.
    public var apiToken: SecretRef?
    /// The `MEMBERPRESS-WEBHOOK-KEY` MemberPress sends; the webhook route answers 401 while it is unset.
    public var webhookKey: SecretRef?
    /// The public address of the service (links in mails); optional.
    public var publicBaseUrl: String?
    public var maxBodyBytes: Int?
    /// How long a customer's fix link works, in days (default `FixLinkIssuer.defaultDays`).
    public var fixLinkDays: Int?

    public init(listen: String? = nil, apiToken: SecretRef? = nil, webhookKey: SecretRef? = nil,
                publicBaseUrl: String? = nil, maxBodyBytes: Int? = nil) {
        self.listen = listen; self.apiToken = apiToken; self.webhookKey = webhookKey
        self.publicBaseUrl = publicBaseUrl; self.maxBodyBytes = maxBodyBytes
    }

    enum CodingKeys: String, CodingKey {
        case listen
        case apiToken = "api_token"
        case webhookKey = "webhook_key"
        case publicBaseUrl = "public_base_url"
        case maxBodyBytes = "max_body_bytes"
        case fixLinkDays = "fix_link_days"
    }

    /// `listen` split into host and port; nil when it is not `HOST:PORT` with a port from 0 to 65535.
    public static func hostPort(_ listen: String) -> (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":") else { return nil }
        var host = String(listen[..<colon])
        guard let port = Int(listen[listen.index(after: colon)...]), (0...65_535).contains(port), !host.isEmpty else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:".contains($0) }) else { return nil }
        return (host, port)
    }
}

/// `alerts`: mail and an incoming-webhook URL for episodes a person must act on (stale session, failed
/// runs in a row, review items waiting too long); each fires once, reminds, and reports its end.
public struct AlertsConfig: Codable, Sendable {
    public var emailTo: [String]?
    /// Receives `POST {"text": "..."}` (Slack- and Discord-style incoming webhooks accept it).
    public var webhookUrl: String?
    public var remindHours: Double?
    public var failedRuns: Int?
    public var reviewStaleHours: Double?

    public init(emailTo: [String]? = nil, webhookUrl: String? = nil, remindHours: Double? = nil,
                failedRuns: Int? = nil, reviewStaleHours: Double? = nil) {
        self.emailTo = emailTo; self.webhookUrl = webhookUrl; self.remindHours = remindHours
        self.failedRuns = failedRuns; self.reviewStaleHours = reviewStaleHours
    }

    enum CodingKeys: String, CodingKey {
        case emailTo = "email_to"
        case webhookUrl = "webhook_url"
        case remindHours = "remind_hours"
        case failedRuns = "failed_runs"
        case reviewStaleHours = "review_stale_hours"
    }
}

extension ConfigLoader {
    /// The `server` and `alerts` sections.
    static func validateService(_ doc: [String: Any], into v: inout ConfigValidator, environment: [String: String]) {
        if let server = v.object(doc, "server", at: "", required: false) {
            let p = "server"
            // A typo like `api_tokn` would leave the route closed with nobody told why.
            v.only(server, at: p, ["listen", "api_token", "webhook_key", "public_base_url", "max_body_bytes", "fix_link_days"])
            if let listen = v.string(server, "listen", at: p, required: false), ServerConfig.hostPort(listen) == nil {
                v.fail("\(p).listen", "expected HOST:PORT like \"127.0.0.1:8787\", got \(ConfigValidator.quoted(listen))")
            }
            v.secret(server, "api_token", at: p, required: false, environment: environment)
            v.secret(server, "webhook_key", at: p, required: false, environment: environment)
            v.url(server, "public_base_url", at: p, schemes: ["http", "https"], required: false)
            _ = v.number(server, "max_body_bytes", at: p, range: 1_024...16_777_216)
            if let days = v.number(server, "fix_link_days", at: p, range: 1...365), days != days.rounded() {
                v.fail("\(p).fix_link_days", "expected whole days from 1 to 365, got \(days)")
            }
        }
        if let alerts = v.object(doc, "alerts", at: "", required: false) {
            let p = "alerts"
            v.only(alerts, at: p, ["email_to", "webhook_url", "remind_hours", "failed_runs", "review_stale_hours"])
            if let list = alerts["email_to"] {
                if let arr = list as? [Any] {
                    for (i, item) in arr.enumerated() {
                        guard let address = item as? String,
                              (try? MailMessageBuilder.checkSender(address, field: "alerts.email_to")) != nil else {
                            v.fail("\(p).email_to[\(i)]", "expected an address like ops@example.com, got \(ConfigValidator.quoted(item))")
                            continue
                        }
                    }
                    if !arr.isEmpty && ((doc["email"] as? [String: Any]).map { ($0["enabled"] as? Bool) != false } ?? false) == false {
                        v.fail("\(p).email_to", "needs an enabled `email` section (the SMTP server alerts are sent through)")
                    }
                } else {
                    v.fail("\(p).email_to", "expected a list of addresses, got \(ConfigValidator.quoted(list))")
                }
            }
            v.url(alerts, "webhook_url", at: p, schemes: ["http", "https"], required: false)
            _ = v.number(alerts, "remind_hours", at: p, range: 0.001...720)
            _ = v.number(alerts, "failed_runs", at: p, range: 1...1_000)
            _ = v.number(alerts, "review_stale_hours", at: p, range: 0.001...8_760)
        }
    }
}
