import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One thing `config check` found beyond the file's shape: an error is something a command would later
/// refuse or quietly ignore; a warning is a setup that works but exposes or risks something.
public struct ConfigFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var severity: Severity
    public var path: String
    public var message: String

    public init(_ severity: Severity, _ path: String, _ message: String) {
        self.severity = severity; self.path = path; self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// What `config check` adds to the loader (which checks the file's shape): the secrets the environment
/// must supply, the vault key and whether the vault decrypts, whether the data folders are writable, the
/// server's secrets long enough to be redacted, and a listen address reachable from outside. The loader
/// stays lenient about the environment on purpose: a cron `sync` runs without the daemon's secrets.
public enum ConfigCheck {
    /// Shorter server secrets are guessable and too short for the log redactor to recognise.
    public static let minimumServerSecretLength = 16

    public static func findings(config: AppConfig, configPath: String, environment: [String: String]) -> [ConfigFinding] {
        var out: [ConfigFinding] = []
        out += secrets(config, environment: environment)
        out += server(config.server, environment: environment)
        out += vault(config, configPath: configPath, environment: environment)
        for (path, folder) in [("paths.master_data", config.paths.masterData), ("paths.logs", config.paths.logs),
                               ("paths.vault", config.paths.vault)] {
            if let problem = unwritable(config.resolvedPath(folder, configPath: configPath)) {
                out.append(.init(.error, path, problem))
            }
        }
        return out
    }

    /// Every `{"env": ...}` secret the program would read, named when its variable is unset or empty.
    static func secrets(_ config: AppConfig, environment: [String: String]) -> [ConfigFinding] {
        var used: [(String, SecretRef?, String)] = [
            ("wordpress.auth.secret", config.wordpress.auth?.secret, "WordPress calls fail"),
        ]
        if config.tradingview.mode == .accessApi {
            used.append(("tradingview.api_key", config.tradingview.apiKey, "TradingView calls fail"))
        }
        if let email = config.email, email.enabled != false {
            used.append(("email.password", email.password, "mail is sent without a password"))
        }
        used.append(("server.api_token", config.server?.apiToken, "the daemon keeps /status and /sync closed (401)"))
        used.append(("server.webhook_key", config.server?.webhookKey, "the daemon keeps /webhooks/memberpress closed (401)"))
        return used.compactMap { path, ref, effect in
            guard let ref, let env = ref.env, ref.value == nil, (environment[env] ?? "").isEmpty else { return nil }
            return .init(.error, path, "environment variable \(env) is not set: \(effect)")
        }
    }

    static func server(_ server: ServerConfig?, environment: [String: String]) -> [ConfigFinding] {
        guard let server else { return [] }
        var out: [ConfigFinding] = []
        for (path, ref) in [("server.api_token", server.apiToken), ("server.webhook_key", server.webhookKey)] {
            guard let secret = ref?.resolve(environment), !secret.isEmpty, secret.count < minimumServerSecretLength else { continue }
            out.append(.init(.error, path, "only \(secret.count) character\(secret.count == 1 ? "" : "s"), too short to be safe: use at least "
                             + "\(minimumServerSecretLength) (e.g. `openssl rand -hex 24`)"))
        }
        if let listen = server.listen, let (host, _) = ServerConfig.hostPort(listen), !isLoopback(host) {
            out.append(.init(.warning, "server.listen", "\(listen) is reachable from other machines: /metrics and the fix "
                             + "pages answer without the proxy's limits; listen on 127.0.0.1 behind the proxy (deploy/nginx-access-console.conf)"))
        }
        return out
    }

    /// The vault's key (ACCESS_CONSOLE_KEY or the key file) and whether the saved cookies decrypt with it.
    static func vault(_ config: AppConfig, configPath: String, environment: [String: String]) -> [ConfigFinding] {
        let vault = CookieVault(directory: config.resolvedPath(config.paths.vault, configPath: configPath), environment: environment)
        do {
            _ = try VaultKey.resolve(environment: environment, keyFile: vault.keyPath, create: false)
            if try vault.load() == nil {
                return [.init(.warning, "paths.vault", "no TradingView cookies saved yet: run `access-console cookies set`")]
            }
            return []
        } catch {
            return [.init(.error, "paths.vault", String(describing: error))]
        }
    }

    /// Nil when the folder (or, while it does not exist yet, the nearest folder above it) takes new files.
    static func unwritable(_ folder: URL) -> String? {
        var dir = folder.path
        while !FileManager.default.fileExists(atPath: dir) {
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir || parent.isEmpty { break }
            dir = parent
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isFolder), !isFolder.boolValue {
            return "\(folder.path) cannot be a folder: \(dir) is a file"
        }
        guard access(dir, W_OK | X_OK) == 0 else {
            return "\(folder.path) is not writable (\(dir): \(String(cString: strerror(errno))))"
        }
        return nil
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
