import Foundation

/// config.json, section by section (key names kept compatible with existing deployments).
/// Decoding is lenient about missing optional fields; `ConfigValidator` reports every problem at once.
public struct AppConfig: Codable, Sendable {
    public var wordpress: WordPressConfig
    public var tradingview: TradingViewConfig
    /// Product id (as WordPress sends it) -> the scripts it entitles.
    public var products: [String: ProductConfig]
    public var scripts: [String: ScriptConfig]?
    public var scheduler: SchedulerConfig
    public var paths: PathsConfig
    public var email: EmailConfig?
    public var console: ConsoleConfig?
    /// The daemon's HTTP side (`access-console daemon`); defaults when absent.
    public var server: ServerConfig?
    /// Who the daemon tells when something needs a person; no alerts when absent.
    public var alerts: AlertsConfig?
    /// What the daemon's scheduled audit repairs (`scheduler.audit_hours` says how often it runs).
    public var audit: AuditConfig? = nil
}

/// `audit`: which differences the scheduled audit puts right (issue 18). It reports every one either way.
public struct AuditConfig: Codable, Sendable {
    public enum Repair: String, Codable, Sendable, CaseIterable {
        /// Only our own writes that did not stick (writes still pending verification). The default.
        case ownWrites = "own_writes"
        /// Also what someone else changed in TradingView's UI: put back to master data.
        case all
    }
    public var repair: Repair?
    public init(repair: Repair? = nil) { self.repair = repair }
}

public struct SecretRef: Codable, Sendable, Hashable {
    /// Literal value (discouraged outside the sandbox).
    public var value: String?
    /// Name of an environment variable holding the value.
    public var env: String?
    public init(value: String? = nil, env: String? = nil) { self.value = value; self.env = env }

    public func resolve(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let env, let v = environment[env], !v.isEmpty { return v }
        return value
    }
}

public struct WordPressConfig: Codable, Sendable {
    public enum Style: String, Codable, Sendable { case sinceEndpoint = "since_endpoint", memberpress }
    public enum AuthKind: String, Codable, Sendable { case none, basic, header }
    public struct Auth: Codable, Sendable {
        public var type: AuthKind
        public var header: String?
        public var username: String?
        public var secret: SecretRef?
    }
    public var baseUrl: String
    public var style: Style
    public var transactionsEndpoint: String
    public var sinceParam: String?
    public var auth: Auth?
    public var statusFilter: [String]?
    public var perPage: Int?
    public var timeoutSeconds: Double?
    /// Dotted path to the TradingView username in one record, e.g. `member.profile.mepr_tradingview_username`.
    public var usernameField: String
    /// Dotted path to the product id in one record, e.g. `membership.id` or `product_id`.
    public var productField: String?
    public var caBundle: String?
    /// Retries of a failed page (timeouts, resets, 5xx, 429); the defaults of `RetryConfig` when absent.
    public var retries: RetryConfig? = nil
    /// How long a payment seen pending is re-read by id before it is given up (default 14; 0: not watched).
    public var pendingMaxDays: Int? = nil
    enum CodingKeys: String, CodingKey {
        case pendingMaxDays = "pending_max_days"
        case baseUrl = "base_url"
        case style
        case transactionsEndpoint = "transactions_endpoint"
        case sinceParam = "since_param"
        case auth
        case statusFilter = "status_filter"
        case perPage = "per_page"
        case timeoutSeconds = "timeout_seconds"
        case usernameField = "username_field"
        case productField = "product_field"
        case caBundle = "ca_bundle"
        case retries
    }
}

public struct RetryConfig: Codable, Sendable {
    public var maxAttempts: Int
    public var baseDelayMs: Int
    public var maxDelayMs: Int
    public init(maxAttempts: Int = 4, baseDelayMs: Int = 500, maxDelayMs: Int = 30_000) {
        self.maxAttempts = maxAttempts; self.baseDelayMs = baseDelayMs; self.maxDelayMs = maxDelayMs
    }
    enum CodingKeys: String, CodingKey {
        case maxAttempts = "max_attempts"
        case baseDelayMs = "base_delay_ms"
        case maxDelayMs = "max_delay_ms"
    }
}

public struct TradingViewConfig: Codable, Sendable {
    public enum Mode: String, Codable, Sendable { case direct, accessApi = "access_api" }
    public struct Endpoints: Codable, Sendable {
        // direct mode (defaults match tradingview.com)
        public var usernameHint: String?
        public var listUsers: String?
        public var add: String?
        public var modifyExpiration: String?
        public var remove: String?
        public var health: String?
        // access_api mode
        public var grant: String?
        public var update: String?
        public var list: String?
        public var validate: String?
        public var revoke: String?
        enum CodingKeys: String, CodingKey {
            case usernameHint = "username_hint"
            case listUsers = "list_users"
            case add
            case modifyExpiration = "modify_expiration"
            case remove
            case health
            case grant
            case update
            case list
            case validate
            case revoke
        }
    }
    public var mode: Mode
    public var baseUrl: String
    public var endpoints: Endpoints?
    public var apiKeyHeader: String?
    public var apiKey: SecretRef?
    public var retries: RetryConfig?
    public var rateLimitPerMinute: Int?
    public var concurrency: Int?
    public var timeoutSeconds: Double?
    public var connectTimeoutSeconds: Double?
    public var caBundle: String?
    /// The daemon checks the session this often (minutes, fractions allowed); 0 turns it off; default 30.
    public var sessionCheckMinutes: Double?
    public static let defaultSessionCheckMinutes = 30.0
    enum CodingKeys: String, CodingKey {
        case mode
        case baseUrl = "base_url"
        case endpoints
        case apiKeyHeader = "api_key_header"
        case apiKey = "api_key"
        case retries
        case rateLimitPerMinute = "rate_limit_per_minute"
        case concurrency
        case timeoutSeconds = "timeout_seconds"
        case connectTimeoutSeconds = "connect_timeout_seconds"
        case caBundle = "ca_bundle"
        case sessionCheckMinutes = "session_check_minutes"
    }
}

public struct ScriptTerm: Codable, Sendable, Hashable {
    public var scriptId: String
    public var term: AccessTerm
    public var stacking: Bool
    public init(scriptId: String, term: AccessTerm, stacking: Bool) { self.scriptId = scriptId; self.term = term; self.stacking = stacking }
    enum CodingKeys: String, CodingKey {
        case scriptId = "script_id"
        case term
        case stacking
    }
}

public struct ProductConfig: Codable, Sendable {
    public var title: String?
    public var scripts: [ScriptTerm]
}

public struct ScriptConfig: Codable, Sendable {
    public var title: String?
}

public struct SchedulerConfig: Codable, Sendable {
    public var intervalMinutes: Int
    public var dryRun: Bool
    /// How failed writes are tried again; the engine's defaults when absent.
    public var retryQueue: RetryQueueConfig?
    /// WordPress is asked for transactions since the last processed one minus this (late records).
    public var sinceOverlapMinutes: Int?
    /// The daemon asks MemberPress for its newest purchase this often (one small call) and syncs when it
    /// changed: a purchase reaches TradingView in under a minute without webhooks. Default 30; 0: off.
    public var pollSeconds: Int? = nil
    /// The daemon diffs every script against TradingView's list this often (hours, fractions allowed);
    /// 0 turns it off; default 24.
    public var auditHours: Double? = nil
    public static let defaultAuditHours = 24.0
    enum CodingKeys: String, CodingKey {
        case auditHours = "audit_hours"
        case intervalMinutes = "interval_minutes"
        case dryRun = "dry_run"
        case retryQueue = "retry_queue"
        case sinceOverlapMinutes = "since_overlap_minutes"
        case pollSeconds = "poll_seconds"
    }
}

/// `scheduler.retry_queue`: a failed write waits `first_backoff_minutes`, doubling up to
/// `max_backoff_minutes`; after `max_attempts` failures it goes to manual review.
public struct RetryQueueConfig: Codable, Sendable {
    public var maxAttempts: Int
    public var firstBackoffMinutes: Int
    public var maxBackoffMinutes: Int
    enum CodingKeys: String, CodingKey {
        case maxAttempts = "max_attempts"
        case firstBackoffMinutes = "first_backoff_minutes"
        case maxBackoffMinutes = "max_backoff_minutes"
    }
}

public struct PathsConfig: Codable, Sendable {
    public var masterData: String
    public var logs: String
    public var vault: String
    enum CodingKeys: String, CodingKey {
        case masterData = "master_data"
        case logs
        case vault
    }
}

public struct EmailConfig: Codable, Sendable {
    public var enabled: Bool?
    public var smtpUrl: String
    public var username: String?
    public var password: SecretRef?
    public var from: String
    public var subject: String?
    public var template: String?
    public var startTls: Bool?
    public var timeoutSeconds: Double?
    enum CodingKeys: String, CodingKey {
        case enabled
        case smtpUrl = "smtp_url"
        case username
        case password
        case from
        case subject
        case template
        case startTls = "start_tls"
        case timeoutSeconds = "timeout_seconds"
    }
}

public struct ConsoleConfig: Codable, Sendable {
    /// Action name -> key, e.g. {"grant": "G"}.
    public var keys: [String: String]?
}

extension AppConfig {
    /// Paths in config.json are relative to the config file's folder, so cron can run from anywhere.
    public func resolvedPath(_ path: String, configPath: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        let base = URL(fileURLWithPath: configPath).deletingLastPathComponent()
        return base.appendingPathComponent(path).standardizedFileURL
    }

    /// Every script id named by a product, in a stable order.
    public var scriptIds: [String] {
        var seen = Set<String>(), out: [String] = []
        for id in products.keys.sorted() {
            for s in products[id]!.scripts where seen.insert(s.scriptId).inserted { out.append(s.scriptId) }
        }
        return out
    }

    public func title(ofScript id: String) -> String? { scripts?[id]?.title }
}
