import Foundation

/// Why a mail was not sent. Messages name the field or server, never the password.
public enum MailError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An address that is not a plain `local@domain`.
    case invalidAddress(field: String, value: String)
    /// A header value with CR or LF: refused, since it could smuggle in headers.
    case unsafeHeader(field: String)
    case notConfigured(String)
    /// The SMTP exchange failed; `transient` when trying later may work.
    case delivery(String, transient: Bool)

    public var description: String {
        switch self {
        case .invalidAddress(let field, let value): return "mail \(field) address is not usable: \"\(value.prefix(80))\""
        case .unsafeHeader(let field): return "mail \(field) contains a line break: refused"
        case .notConfigured(let d): return "mail not configured: \(d)"
        case .delivery(let d, let transient): return "mail delivery failed\(transient ? " (temporary)" : ""): \(d)"
        }
    }
}
