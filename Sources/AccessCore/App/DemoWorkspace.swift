import Foundation

/// A throwaway data folder whose config.json points at loopback services (the sandbox): used by
/// `access-console demo`, the end-to-end test and the benchmarks, so they never touch real data.
public enum DemoWorkspace {
    public struct Endpoints: Sendable {
        public var tradingView: String
        public var wordpress: String
        public var smtp: String
        public init(tradingView: String, wordpress: String, smtp: String) {
            self.tradingView = tradingView; self.wordpress = wordpress; self.smtp = smtp
        }

        /// A closed port for every service: a workspace whose data is read, and nothing is called.
        public static let unreachable = Endpoints(tradingView: "http://127.0.0.1:9", wordpress: "http://127.0.0.1:9",
                                                  smtp: "smtp://127.0.0.1:9")
    }

    /// Copies `templateConfig` (a file, or nil for the built-in `DemoConfig`) into `directory/config.json`
    /// with the service URLs replaced and paths kept inside `directory`, stores `cookies` in the workspace's
    /// vault, and returns the new config path. `edit` may change anything else of the document (rate
    /// limits, latency-sensitive settings).
    public static func prepare(templateConfig: String?, directory: URL, endpoints: Endpoints, cookies: SessionCookies?,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               edit: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        let data = templateConfig.map { FileManager.default.contents(atPath: $0) } ?? Data(DemoConfig.json.utf8)
        guard let data, var doc = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ConfigError([ConfigIssue(file: templateConfig ?? "built-in demo config", path: "",
                                           message: "cannot read the config to base the demo on")])
        }
        func set(_ section: String, _ key: String, _ value: Any) {
            var s = doc[section] as? [String: Any] ?? [:]
            s[key] = value
            doc[section] = s
        }
        set("tradingview", "base_url", endpoints.tradingView)
        set("wordpress", "base_url", endpoints.wordpress)
        set("email", "smtp_url", endpoints.smtp)
        doc["paths"] = ["master_data": "masterData", "logs": "logs", "vault": "vault"]
        edit(&doc)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("config.json")
        try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys]).write(to: path)
        if let cookies {
            try CookieVault(directory: directory.appendingPathComponent("vault"), environment: environment).save(cookies)
        }
        return path.path
    }

    /// A new private folder under the system's temporary directory.
    public static func temporaryDirectory(prefix: String = "access-console-demo") throws -> URL {
        var template = Array((NSTemporaryDirectory() + "/\(prefix)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw StoreError.io(path: NSTemporaryDirectory(), detail: "cannot create a temporary folder")
        }
        return URL(fileURLWithPath: String(cString: made))
    }
}
