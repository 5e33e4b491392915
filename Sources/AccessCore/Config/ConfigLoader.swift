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
        for (path, line) in DuplicateKeys.find(in: data) {
            v.fail(path, "given twice (line \(line)): the last one would replace the first; keep one")
        }
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
        v.only(r, at: "\(p).retries", ["max_attempts", "base_delay_ms", "max_delay_ms"])
        _ = v.integer(r, "max_attempts", at: "\(p).retries", range: 1...10, required: true)
        _ = v.integer(r, "base_delay_ms", at: "\(p).retries", range: 1...60_000, required: true)
        _ = v.integer(r, "max_delay_ms", at: "\(p).retries", range: 1...600_000, required: true)
    }

    static func validate(_ doc: [String: Any], into v: inout ConfigValidator, environment: [String: String]) {
        if let wp = v.object(doc, "wordpress", at: "") {
            let p = "wordpress"
            v.only(wp, at: p, ["base_url", "style", "transactions_endpoint", "since_param", "auth", "status_filter", "per_page",
                               "timeout_seconds", "username_field", "product_field", "ca_bundle", "retries", "pending_max_days"])
            _ = v.integer(wp, "pending_max_days", at: p, range: 0...365)
            v.url(wp, "base_url", at: p, schemes: ["http", "https"])
            let style = v.oneOf(wp, "style", at: p, ["since_endpoint", "memberpress"])
            v.endpoint(wp, "transactions_endpoint", at: p, required: true)
            _ = v.string(wp, "since_param", at: p, required: false)
            _ = v.string(wp, "username_field", at: p)
            _ = v.string(wp, "product_field", at: p, required: false)
            _ = v.integer(wp, "per_page", at: p, range: 1...100)
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
                v.only(auth, at: "\(p).auth", ["type", "header", "username", "secret"])
                for key in ["header", "username"] { v.singleLine(auth, key, at: "\(p).auth") }
                if let secret = auth["secret"] as? [String: Any] { v.singleLine(secret, "value", at: "\(p).auth.secret") }
                if kind == "header" { _ = v.string(auth, "header", at: "\(p).auth") }
                if kind == "basic" { _ = v.string(auth, "username", at: "\(p).auth") }
                v.secret(auth, "secret", at: "\(p).auth", required: kind == "header" || kind == "basic", environment: environment)
            } else if style == "memberpress" {
                v.fail("\(p).auth", "missing: MemberPress needs {\"type\": \"header\", \"header\": \"MEMBERPRESS-API-KEY\", \"secret\": {...}}")
            }
        }

        if let tv = v.object(doc, "tradingview", at: "") {
            let p = "tradingview"
            v.only(tv, at: p, ["mode", "base_url", "endpoints", "api_key_header", "api_key", "retries", "rate_limit_per_minute",
                               "concurrency", "timeout_seconds", "connect_timeout_seconds", "ca_bundle",
                               "session_check_minutes"])
            v.singleLine(tv, "api_key_header", at: p)
            if let key = tv["api_key"] as? [String: Any] { v.singleLine(key, "value", at: "\(p).api_key") }
            let mode = v.oneOf(tv, "mode", at: p, ["direct", "access_api"])
            v.url(tv, "base_url", at: p, schemes: ["http", "https"])
            if let eps = v.object(tv, "endpoints", at: p, required: false) {
                v.only(eps, at: "\(p).endpoints", ["username_hint", "list_users", "add", "modify_expiration", "remove", "health",
                                                   "grant", "update", "list", "validate", "revoke"])
                for key in eps.keys.sorted() { v.endpoint(eps, key, at: "\(p).endpoints") }
            }
            if mode == "access_api" {
                _ = v.string(tv, "api_key_header", at: p)
                v.secret(tv, "api_key", at: p, required: true, environment: environment)
            }
            retries(tv, at: p, into: &v)
            _ = v.integer(tv, "rate_limit_per_minute", at: p, range: 1...60_000)
            _ = v.integer(tv, "concurrency", at: p, range: 1...32)
            _ = v.number(tv, "timeout_seconds", at: p, range: 1...600)
            _ = v.number(tv, "connect_timeout_seconds", at: p, range: 1...120)
            _ = v.number(tv, "session_check_minutes", at: p, range: 0...1_440)
            if let ca = v.string(tv, "ca_bundle", at: p, required: false), !FileManager.default.fileExists(atPath: ca) {
                v.fail("\(p).ca_bundle", "no such file \(ConfigValidator.quoted(ca))")
            }
        }

        if let products = v.object(doc, "products", at: "") {
            if products.isEmpty { v.fail("products", "no products: map at least one WordPress product id to its scripts") }
            for id in products.keys.sorted() {
                let p = "products.\(id)"
                guard let prod = v.object(products, id, at: "products") else { continue }
                v.only(prod, at: p, ["title", "scripts"])
                _ = v.string(prod, "title", at: p, required: false)
                guard let scripts = prod["scripts"] as? [Any], !scripts.isEmpty else {
                    v.fail("\(p).scripts", "expected a non-empty list of {\"script_id\", \"term\", \"stacking\"}")
                    continue
                }
                for (i, s) in scripts.enumerated() {
                    let sp = "\(p).scripts[\(i)]"
                    guard let script = s as? [String: Any] else { v.fail(sp, "expected an object, got \(ConfigValidator.quoted(s))"); continue }
                    v.only(script, at: sp, ["script_id", "term", "stacking"])
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
                if let s = v.object(scripts, id, at: "scripts") {
                    v.only(s, at: "scripts.\(id)", ["title"])
                    _ = v.string(s, "title", at: "scripts.\(id)", required: false)
                }
            }
        }

        if let s = v.object(doc, "scheduler", at: "") {
            v.only(s, at: "scheduler", ["interval_minutes", "dry_run", "since_overlap_minutes", "retry_queue", "poll_seconds",
                                          "audit_hours"])
            _ = v.number(s, "audit_hours", at: "scheduler", range: 0...8_760)
            _ = v.integer(s, "poll_seconds", at: "scheduler", range: 0...3600)
            _ = v.integer(s, "interval_minutes", at: "scheduler", range: 1...10_080, required: true)
            v.bool(s, "dry_run", at: "scheduler", required: true)
            _ = v.integer(s, "since_overlap_minutes", at: "scheduler", range: 0...10_080)
            if let q = v.object(s, "retry_queue", at: "scheduler", required: false) {
                let p = "scheduler.retry_queue"
                v.only(q, at: p, ["max_attempts", "first_backoff_minutes", "max_backoff_minutes"])
                _ = v.integer(q, "max_attempts", at: p, range: 1...50, required: true)
                let first = v.integer(q, "first_backoff_minutes", at: p, range: 1...1_440, required: true)
                let most = v.integer(q, "max_backoff_minutes", at: p, range: 1...10_080, required: true)
                if let first, let most, most < first {
                    v.fail("\(p).max_backoff_minutes", "must not be less than first_backoff_minutes (\(Int(first))), got \(Int(most))")
                }
            }
        }
        if let paths = v.object(doc, "paths", at: "") {
            v.only(paths, at: "paths", ["master_data", "logs", "vault"])
            for key in ["master_data", "logs", "vault"] { _ = v.string(paths, key, at: "paths") }
        }
        if let email = v.object(doc, "email", at: "", required: false) {
            v.only(email, at: "email", ["enabled", "smtp_url", "username", "password", "from", "subject", "template", "start_tls",
                                        "timeout_seconds"])
            for key in ["subject", "from", "username"] { v.singleLine(email, key, at: "email") }
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
                // Read (relative to config.json) by AppRuntime: a missing file would stop every start.
                if let template = v.string(email, "template", at: "email", required: false) {
                    let base = URL(fileURLWithPath: v.file).deletingLastPathComponent()
                    let path = template.hasPrefix("/") ? template : base.appendingPathComponent(template).path
                    if !FileManager.default.fileExists(atPath: path) {
                        v.fail("email.template", "no such file \(ConfigValidator.quoted(path))")
                    }
                }
            }
        }
        let console = v.object(doc, "console", at: "", required: false)
        v.only(console, at: "console", ["keys"])
        if let keys = v.object(console, "keys", at: "console", required: false) {
            for action in keys.keys.sorted() {
                if let k = v.string(keys, action, at: "console.keys"), k.count != 1 && !k.hasPrefix("F") && !k.hasPrefix("C-") {
                    v.fail("console.keys.\(action)", "expected one key like \"g\", \"F5\" or \"C-g\", got \(ConfigValidator.quoted(k))")
                }
            }
        }
        if let audit = v.object(doc, "audit", at: "", required: false) {
            v.only(audit, at: "audit", ["repair"])
            _ = v.oneOf(audit, "repair", at: "audit", AuditConfig.Repair.allCases.map(\.rawValue), required: false)
        }
        validateService(doc, into: &v, environment: environment)
        let known: Set<String> = ["wordpress", "tradingview", "products", "scripts", "scheduler", "paths", "email", "console",
                                  "server", "alerts", "audit", "_comment"]
        for key in doc.keys.sorted() where !known.contains(key) {
            v.fail(key, "unknown section (expected one of \(known.subtracting(["_comment"]).sorted().joined(separator: ", ")))")
        }
    }

    // MARK: - error wording

    /// Where the syntax error is, as `line L, column C`, from our own reader (which gives the byte offset),
    /// and Foundation's wording when ours parses the text.
    static func jsonErrorSummary(_ error: Error, data: Data) -> String {
        do { _ = try JSONValue.parse(data) } catch let e as JSONReadError {
            return "\(lineColumn(e.offset, in: data)): \(e.message)"
        } catch {}
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return SafeText.text(text.components(separatedBy: .newlines).first ?? text)
    }

    static func lineColumn(_ offset: Int, in data: Data) -> String {
        var line = 1, column = 1
        for b in data.prefix(offset) {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return "line \(line), column \(column)"
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
