import Foundation
import Logging

/// Which data the sandbox starts from (and returns to on reset).
public enum Seed: Sendable, Equatable {
    /// The demo data set of docs/sandbox-contract.md: four scripts, about 60 accounts, about 40 transactions.
    case demo
    /// A large deterministic data set for benchmarks: `users` accounts, most of them already holding
    /// Alpha Trend Suite access, and `transactions` WordPress transactions over the last 30 days.
    case generated(users: Int, transactions: Int, seed: UInt64)
}

/// How to start a sandbox. Port 0 asks the system for a free port.
public struct SandboxOptions: Sendable {
    public static let defaultSessionid = "sandbox-sessionid-0123456789"
    public static let defaultSessionidSign = "sandbox-sign-abcdef"
    public static let defaultMemberpressKey = "sandbox-mp-key"
    public static let defaultAccessApiKey = "sandbox-api-key"

    public var host: String
    public var port: Int
    public var smtpPort: Int
    public var seed: Seed
    public var sessionid: String
    public var sessionidSign: String
    public var memberpressKey: String
    public var accessApiKey: String
    /// The "now" the seed data is laid out around (expiries, transaction dates); defaults to start time.
    public var referenceDate: Date?
    /// Where Hummingbird's and the service group's log lines go (default: nowhere). The sandbox imports
    /// nothing of ours; a caller with an event stream hands in a logger writing to it.
    public var logger: Logger?

    public init(host: String = "127.0.0.1", port: Int = 0, smtpPort: Int = 0, seed: Seed = .demo,
                sessionid: String = SandboxOptions.defaultSessionid,
                sessionidSign: String = SandboxOptions.defaultSessionidSign,
                memberpressKey: String = SandboxOptions.defaultMemberpressKey,
                accessApiKey: String = SandboxOptions.defaultAccessApiKey,
                referenceDate: Date? = nil) {
        self.host = host; self.port = port; self.smtpPort = smtpPort; self.seed = seed
        self.sessionid = sessionid; self.sessionidSign = sessionidSign
        self.memberpressKey = memberpressKey; self.accessApiKey = accessApiKey
        self.referenceDate = referenceDate
    }
}

/// Why a sandbox could not start.
public enum SandboxError: Error, CustomStringConvertible, Sendable {
    case httpServerFailed(host: String, port: Int, reason: String)
    case smtpServerFailed(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case let .httpServerFailed(host, port, reason):
            return "sandbox HTTP server could not listen on \(host):\(port): \(reason)"
        case let .smtpServerFailed(host, port, reason):
            return "sandbox SMTP sink could not listen on \(host):\(port): \(reason)"
        }
    }
}
