import Foundation

/// Checks a config.json document as raw JSON, so that one wrong type does not hide the other problems.
struct ConfigValidator {
    let file: String
    private(set) var issues: [ConfigIssue] = []

    init(file: String) { self.file = file }

    mutating func fail(_ path: String, _ message: String) { issues.append(ConfigIssue(file: file, path: path, message: message)) }

    static func quoted(_ v: Any?) -> String {
        switch v {
        case nil, is NSNull: return "null"
        // Echoed values are outside text too: no line break or escape sequence reaches the terminal.
        case let s as String: return "\"\(SafeText.text(s.count > 60 ? String(s.prefix(60)) + "…" : s))\""
        case let n as NSNumber: return isBool(n) ? (n.boolValue ? "true" : "false") : "\(n)"
        case is [Any]: return "a list"
        case is [String: Any]: return "an object"
        default: return "\(v!)"
        }
    }

    /// Every key of `dict` not in `known` is a problem (a typo like `per_pge` would otherwise be ignored
    /// and its default used). Keys starting with `_` are comments.
    mutating func only(_ dict: [String: Any]?, at path: String, _ known: [String]) {
        guard let dict else { return }
        for key in dict.keys.sorted() where !known.contains(key) && !key.hasPrefix("_") {
            fail(path.isEmpty ? key : "\(path).\(key)", "unknown key (expected one of \(known.sorted().joined(separator: ", ")))")
        }
    }

    /// A string that goes into a header or a mail header: a line break there would add a header.
    mutating func singleLine(_ dict: [String: Any]?, _ key: String, at path: String) {
        guard let s = dict?[key] as? String, HeaderSafety.hasLineBreak(s) else { return }
        fail("\(path).\(key)", "contains a line break (CR or LF), which would start a new header")
    }

    mutating func integer(_ dict: [String: Any]?, _ key: String, at path: String, range: ClosedRange<Double>, required: Bool = false) -> Double? {
        guard let d = number(dict, key, at: path, range: range, required: required) else { return nil }
        guard d == d.rounded() else { fail("\(path).\(key)", "expected a whole number, got \(Self.trim(d))"); return nil }
        return d
    }

    // MARK: typed getters that record an issue when the value is there but wrong

    mutating func object(_ dict: [String: Any]?, _ key: String, at path: String, required: Bool = true) -> [String: Any]? {
        let p = path.isEmpty ? key : "\(path).\(key)"
        guard let v = dict?[key], !(v is NSNull) else {
            if required { fail(p, "missing (expected an object)") }
            return nil
        }
        guard let o = v as? [String: Any] else { fail(p, "expected an object, got \(Self.quoted(v))"); return nil }
        return o
    }

    mutating func string(_ dict: [String: Any]?, _ key: String, at path: String, required: Bool = true) -> String? {
        let p = "\(path).\(key)"
        guard let v = dict?[key], !(v is NSNull) else {
            if required { fail(p, "missing (expected a string)") }
            return nil
        }
        guard let s = v as? String else { fail(p, "expected a string, got \(Self.quoted(v))"); return nil }
        if required && s.trimmingCharacters(in: .whitespaces).isEmpty { fail(p, "must not be empty"); return nil }
        return s
    }

    mutating func number(_ dict: [String: Any]?, _ key: String, at path: String, range: ClosedRange<Double>, required: Bool = false) -> Double? {
        let p = "\(path).\(key)"
        guard let v = dict?[key], !(v is NSNull) else {
            if required { fail(p, "missing (expected a number)") }
            return nil
        }
        guard let n = v as? NSNumber, !Self.isBool(n) else {
            fail(p, "expected a number, got \(Self.quoted(v))"); return nil
        }
        let d = n.doubleValue
        if !range.contains(d) {
            fail(p, "expected a number from \(Self.trim(range.lowerBound)) to \(Self.trim(range.upperBound)), got \(Self.trim(d))")
            return nil
        }
        return d
    }

    mutating func bool(_ dict: [String: Any]?, _ key: String, at path: String, required: Bool = false) {
        let p = "\(path).\(key)"
        guard let v = dict?[key], !(v is NSNull) else {
            if required { fail(p, "missing (expected true or false)") }
            return
        }
        if let n = v as? NSNumber, Self.isBool(n) { return }
        fail(p, "expected true or false, got \(Self.quoted(v))")
    }

    mutating func url(_ dict: [String: Any]?, _ key: String, at path: String, schemes: [String], required: Bool = true) {
        guard let s = string(dict, key, at: path, required: required) else { return }
        let lower = s.lowercased()
        let ok = schemes.contains { lower.hasPrefix($0 + "://") } && URL(string: s)?.host?.isEmpty == false
        if !ok {
            let what = schemes == ["http", "https"] ? "an http(s) URL" : "a URL (\(schemes.joined(separator: ", ")))"
            fail("\(path).\(key)", "expected \(what), got \(Self.quoted(s))")
        }
    }

    mutating func oneOf(_ dict: [String: Any]?, _ key: String, at path: String, _ allowed: [String], required: Bool = true) -> String? {
        guard let s = string(dict, key, at: path, required: required) else { return nil }
        guard allowed.contains(s) else {
            fail("\(path).\(key)", "expected one of \(allowed.joined(separator: ", ")), got \(Self.quoted(s))"); return nil
        }
        return s
    }

    mutating func endpoint(_ dict: [String: Any]?, _ key: String, at path: String, required: Bool = false) {
        guard let s = string(dict, key, at: path, required: required) else { return }
        if !s.hasPrefix("/") { fail("\(path).\(key)", "expected a path starting with /, got \(Self.quoted(s))") }
    }

    mutating func secret(_ dict: [String: Any]?, _ key: String, at path: String, required: Bool, environment: [String: String]) {
        let p = "\(path).\(key)"
        guard let o = object(dict, key, at: path, required: required) else { return }
        let env = string(o, "env", at: p, required: false)
        let value = string(o, "value", at: p, required: false)
        if env == nil && value == nil { fail(p, "expected {\"env\": \"VAR\"} or {\"value\": \"...\"}") }
        if required, let env, value == nil, (environment[env] ?? "").isEmpty {
            fail(p, "environment variable \(env) is not set")
        }
    }

    /// JSONSerialization hands booleans back as NSNumber; their objCType is "c" (char), numbers' is not.
    static func isBool(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

    static func trim(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }
}
