import CCurl
import Foundation

/// Sends mail through libcurl's SMTP: smtp:// (optionally upgraded with STARTTLS) or smtps://.
public struct SMTPMailer: Mailer {
    public let config: EmailConfig
    private let password: String?
    private let pool = BlockingPool(threads: 1, name: "smtp")

    public init(config: EmailConfig, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let url = config.smtpUrl.lowercased()
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw MailError.notConfigured("email.smtp_url must start with smtp:// or smtps://")
        }
        _ = try MailMessageBuilder.checkSender(config.from, field: "email.from")
        self.config = config
        self.password = config.password?.resolve(environment)
        if config.username != nil && (password ?? "").isEmpty {
            throw MailError.notConfigured("email.password: a username is set but no password (value or env)")
        }
    }

    public func send(_ message: MailMessage) async throws {
        let text = try MailMessageBuilder.build(from: config.from, message: message, date: Date(),
                                                messageId: UUID().uuidString.lowercased())
        let from = try MailMessageBuilder.checkSender(config.from, field: "from").address
        let to = try MailMessageBuilder.checkAddress(message.to, field: "to")
        let config = self.config, password = self.password
        do {
            try await pool.run { try Self.deliver(Data(text.utf8), from: from, to: to, config: config, password: password) }
        } catch let failure as CurlFailure {
            throw Self.mailError(failure)
        }
    }

    private static func deliver(_ data: Data, from: String, to: String, config: EmailConfig, password: String?) throws {
        let handle = try CurlHandle()
        let buffers = CurlExchangeBuffers(upload: data)
        try buffers.install(on: handle)
        try handle.set(CURLOPT_URL, config.smtpUrl)
        try handle.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        let timeout = config.timeoutSeconds ?? 30
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, Int(min(timeout, 15) * 1000))
        try handle.set(CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
        try handle.set(CURLOPT_SSL_VERIFYPEER, 1)
        try handle.set(CURLOPT_SSL_VERIFYHOST, 2)
        if config.startTls == true { try handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
        if let user = config.username { try handle.set(CURLOPT_USERNAME, user) }
        if let password { try handle.set(CURLOPT_PASSWORD, password) }
        try handle.set(CURLOPT_MAIL_FROM, "<\(from)>")
        try handle.set(CURLOPT_MAIL_RCPT, list: ["<\(to)>"])
        try handle.set(CURLOPT_UPLOAD, 1)
        try handle.set(CURLOPT_INFILESIZE_LARGE, offset: Int64(data.count))
        try handle.perform()
    }

    /// Refused logins and recipients will not fix themselves; network trouble may.
    static func mailError(_ failure: CurlFailure) -> MailError {
        switch CURLcode(rawValue: UInt32(clamping: max(0, failure.code))) {
        case CURLE_LOGIN_DENIED:
            return .notConfigured("SMTP server refused the login: check email.username and email.password")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .notConfigured("email.smtp_url is not usable: \(failure.message)")
        case CURLE_USE_SSL_FAILED:
            return .notConfigured("SMTP server does not offer STARTTLS: \(failure.message)")
        case CURLE_PEER_FAILED_VERIFICATION:
            return .notConfigured("SMTP TLS verification failed: \(failure.message)")
        case CURLE_SEND_ERROR where failure.message.range(of: #"failed: 5\d\d"#, options: .regularExpression) != nil:
            // A 5xx reply to MAIL FROM or RCPT TO is the server's final word on this address.
            return .delivery(failure.message, transient: false)
        case CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_SEND_ERROR,
             CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_SSL_CONNECT_ERROR:
            return .delivery(failure.message, transient: true)
        default:
            return .delivery(failure.message, transient: false)
        }
    }
}
