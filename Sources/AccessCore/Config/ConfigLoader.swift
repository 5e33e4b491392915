import Foundation

/// Reads and validates config.json. Every problem is reported at once, each on its own line.
public enum ConfigLoader {
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        let name = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError([ConfigIssue(file: name, path: "", message: "cannot read the file (does it exist? pass --config FILE)")])
        }
        return try parse(data, file: name, environment: environment)
    }

    public static func parse(_ data: Data, file: String, environment: [String: String] = [:]) throws -> AppConfig {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw ConfigError([ConfigIssue(file: file, path: "", message: "not valid JSON: \(jsonErrorSummary(error, data: data))")])
        }
        guard let doc = root as? [String: Any] else {
            throw ConfigError([ConfigIssue(file: file, path: "", message: "expected a JSON object at the top level")])
        }
        var v = ConfigValidator(file: file)
        validate(doc, into: &v, environment: environment)
        if !v.issues.isEmpty { throw ConfigError(v.issues) }

        let decoder = JSONDecoder()
        do {
            return try decoder.decode(AppConfig.self, from: data)
        } catch let error as DecodingError {
            throw ConfigError([ConfigIssue(file: file, path: decodingPath(error), message: decodingMessage(error))])
        }
    }

    // MARK: - section rules

    /// `retries`, the same shape for every remote service.
    static func retries(_ section: [String: Any], at p: String, into v: inout ConfigValidator) {
        guard let r = v.object(section, "retries", at: p, required: false) else { return }
        _ = v.number(r, "max_attempts", at: "\(p).retries", range: 1...10, required: true)
        _ = v.number(r, "base_delay_ms", at: "\(p).retries", range: 1...60_000, required: true)
        _ = v.number(r, "max_delay_ms", at: "\(p).retries", range: 1...600_000, required: true)
    }

    static func validate(_ doc: [String: Any], into v: inout ConfigValidator, environment: [String: String]) {
        if let wp = v.object(doc, "wordpress", at: "") {
            let p = "wordpress"
            v.url(wp, "base_url", at: p, schemes: ["http", "https"])
            let style = v.oneOf(wp, "style", at: p, ["since_endpoint", "memberpress"])
            v.endpoint(wp, "transactions_endpoint", at: p, required: true)
            _ = v.string(wp, "since_param", at: p, required: false)
            _ = v.string(wp, "username_field", at: p)
            _ = v.string(wp, "product_field", at: p, required: false)
            _ = v.number(wp, "per_page", at: p, range: 1...100)
            _ = v.number(wp, "timeout_seconds", at: p, range: 1...600)
            retries(wp, at: p, into: &v)
            if let list = wp["status_filter"] {
                let allowed = TransactionStatus.allCases.map(\.rawValue)
                if let arr = list as? [Any] {
                    for (i, s) in arr.enumerated() where !((s as? String).map(allowed.contains) ?? false) {
                        v.fail("\(p).status_filter[\(i)]", "expected one of \(allowed.joined(separator: ", ")), got \(ConfigValidator.quoted(s))")
                    }
                } else if !(list is NSNull) {
                    v.fail("\(p).status_filter", "expected a list of statuses, got \(ConfigValidator.quoted(list))")
                }
            }
            if let auth = v.object(wp, "auth", at: p, required: false) {
                let kind = v.oneOf(auth, "type", at: "\(p).auth", ["none", "basic", "header"])
                if kind == "header" { _ = v.string(auth, "header", at: "\(p).auth") }
                if kind == "basic" { _ = v.string(auth, "username", at: "\(p).auth") }
                v.secret(auth, "secret", at: "\(p).auth", required: kind == "header" || kind == "basic", environment: environment)
            } else if style == "memberpress" {
                v.fail("\(p).auth", "missing: MemberPress needs {\"type\": \"header\", \"header\": \"MEMBERPRESS-API-KEY\", \"secret\": {...}}")
            }
        }

        if let tv = v.object(doc, "tradingview", at: "") {
            let p = "tradingview"
            let mode = v.oneOf(tv, "mode", at: p, ["direct", "access_api"])
            v.url(tv, "base_url", at: p, schemes: ["http", "https"])
            if let eps = v.object(tv, "endpoints", at: p, required: false) {
                for key in eps.keys.sorted() { v.endpoint(eps, key, at: "\(p).endpoints") }
            }
            if mode == "access_api" {
                _ = v.string(tv, "api_key_header", at: p)
                v.secret(tv, "api_key", at: p, required: true, environment: environment)
            }
            retries(tv, at: p, into: &v)
            _ = v.number(tv, "rate_limit_per_minute", at: p, range: 1...60_000)
            _ = v.number(tv, "concurrency", at: p, range: 1...32)
            _ = v.number(tv, "timeout_seconds", at: p, range: 1...600)
            _ = v.number(tv, "connect_timeout_seconds", at: p, range: 1...120)
            if let ca = v.string(tv, "ca_bundle", at: p, required: false), !FileManager.default.fileExists(atPath: ca) {
                v.fail("\(p).ca_bundle", "no such file \(ConfigValidator.quoted(ca))")
            }
        }

        if let products = v.object(doc, "products", at: "") {
            if products.isEmpty { v.fail("products", "no products: map at least one WordPress product id to its scripts") }
            for id in products.keys.sorted() {
                let p = "products.\(id)"
                guard let prod = v.object(products, id, at: "products") else { continue }
                _ = v.string(prod, "title", at: p, required: false)
                guard let scripts = prod["scripts"] as? [Any], !scripts.isEmpty else {
                    v.fail("\(p).scripts", "expected a non-empty list of {\"script_id\", \"term\", \"stacking\"}")
                    continue
                }
                for (i, s) in scripts.enumerated() {
                    let sp = "\(p).scripts[\(i)]"
                    guard let script = s as? [String: Any] else { v.fail(sp, "expected an object, got \(ConfigValidator.quoted(s))"); continue }
                    _ = v.string(script, "script_id", at: sp)
                    if let term = v.string(script, "term", at: sp), AccessTerm(term) == nil {
                        v.fail("\(sp).term", "expected a term like 7D, 1M, 3M, 1Y or lifetime, got \(ConfigValidator.quoted(term))")
                    }
                    v.bool(script, "stacking", at: sp, required: true)
                }
            }
        }
        if let scripts = v.object(doc, "scripts", at: "", required: false) {
            for id in scripts.keys.sorted() {
                if let s = v.object(scripts, id, at: "scripts") { _ = v.string(s, "title", at: "scripts.\(id)", required: false) }
            }
        }

        if let s = v.object(doc, "scheduler", at: "") {
            _ = v.number(s, "interval_minutes", at: "scheduler", range: 1...10_080, required: true)
            v.bool(s, "dry_run", at: "scheduler", required: true)
            _ = v.number(s, "since_overlap_minutes", at: "scheduler", range: 0...10_080)
            if let q = v.object(s, "retry_queue", at: "scheduler", required: false) {
                let p = "scheduler.retry_queue"
                _ = v.number(q, "max_attempts", at: p, range: 1...50, required: true)
                let first = v.number(q, "first_backoff_minutes", at: p, range: 1...1_440, required: true)
                let most = v.number(q, "max_backoff_minutes", at: p, range: 1...10_080, required: true)
                if let first, let most, most < first {
                    v.fail("\(p).max_backoff_minutes", "must not be less than first_backoff_minutes (\(Int(first))), got \(Int(most))")
                }
            }
        }
        if let paths = v.object(doc, "paths", at: "") {
            for key in ["master_data", "logs", "vault"] { _ = v.string(paths, key, at: "paths") }
        }
        if let email = v.object(doc, "email", at: "", required: false) {
            v.bool(email, "enabled", at: "email")
            if (email["enabled"] as? Bool) != false {
                v.url(email, "smtp_url", at: "email", schemes: ["smtp", "smtps"])
                if let from = v.string(email, "from", at: "email"), (try? MailMessageBuilder.checkSender(from, field: "email.from")) == nil {
                    v.fail("email.from", "expected an address like support@example.com or \"Support <support@example.com>\", got \(ConfigValidator.quoted(from))")
                }
                _ = v.string(email, "username", at: "email", required: false)
                v.secret(email, "password", at: "email", required: false, environment: environment)
                v.bool(email, "start_tls", at: "email")
                _ = v.number(email, "timeout_seconds", at: "email", range: 1...600)
                _ = v.string(email, "template", at: "email", required: false) // read (relative to config.json) by AppRuntime
            }
        }
        if let console = v.object(doc, "console", at: "", required: false),
           let keys = v.object(console, "keys", at: "console", required: false) {
            for action in keys.keys.sorted() {
                if let k = v.string(keys, action, at: "console.keys"), k.count != 1 && !k.hasPrefix("F") && !k.hasPrefix("C-") {
                    v.fail("console.keys.\(action)", "expected one key like \"g\", \"F5\" or \"C-g\", got \(ConfigValidator.quoted(k))")
                }
            }
        }
        validateService(doc, into: &v, environment: environment)
        let known: Set<String> = ["wordpress", "tradingview", "products", "scripts", "scheduler", "paths", "email", "console",
                                  "server", "alerts", "_comment"]
        for key in doc.keys.sorted() where !known.contains(key) {
            v.fail(key, "unknown section (expected one of \(known.subtracting(["_comment"]).sorted().joined(separator: ", ")))")
        }
    }

    // MARK: - error wording

    static func jsonErrorSummary(_ error: Error, data: Data) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return text.components(separatedBy: .newlines).first ?? text
    }

    static func decodingPath(_ error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c): context = c
        @unknown default: return ""
        }
        var parts: [String] = []
        for key in context.codingPath {
            if let i = key.intValue { parts.append("[\(i)]") } else { parts.append((parts.isEmpty ? "" : ".") + snake(key.stringValue)) }
        }
        if case .keyNotFound(let k, _) = error { parts.append((parts.isEmpty ? "" : ".") + snake(k.stringValue)) }
        return parts.joined()
    }

    static func decodingMessage(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound: return "missing"
        case .typeMismatch(let t, _): return "expected \(t)"
        case .valueNotFound(let t, _): return "expected \(t), got null"
        case .dataCorrupted(let c): return c.debugDescription
        @unknown default: return "\(error)"
        }
    }

    static func snake(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }
}
