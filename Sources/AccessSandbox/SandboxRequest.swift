import Foundation

/// A request as the emulators see it, independent of the HTTP server: handlers stay plain functions.
struct SandboxRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var headers: [String: String]
    var body: [UInt8]

    init(method: String, path: String, query: String?, headers: [String: String], body: [UInt8]) {
        self.method = method.uppercased()
        self.path = path
        self.query = FormDecoding.decode(query ?? "")
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, b in a + ", " + b })
        self.body = body
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as `application/x-www-form-urlencoded` fields.
    var form: [String: String] { FormDecoding.decode(String(decoding: body, as: UTF8.self)) }

    /// Cookies from the `Cookie` header.
    var cookies: [String: String] {
        var found: [String: String] = [:]
        for pair in (header("cookie") ?? "").split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            found[Self.trimSpaces(parts[0])] = Self.trimSpaces(parts[1])
        }
        return found
    }

    private static func trimSpaces(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    func decodeJSON<T: Decodable>(_ type: T.Type) -> T? {
        try? JSONDecoder().decode(type, from: Data(body))
    }
}

enum FormDecoding {
    /// `a=1&b=x%3By` -> ["a": "1", "b": "x;y"]; `+` is a space; the last of repeated keys wins.
    static func decode(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = unescape(parts[0])
            fields[key] = parts.count > 1 ? unescape(parts[1]) : ""
        }
        return fields
    }

    private static func unescape(_ part: Substring) -> String {
        if !part.utf8.contains(UInt8(ascii: "%")) && !part.utf8.contains(UInt8(ascii: "+")) { return String(part) }
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Percent-encodes a query value (keeps unreserved characters and the comma of `order_by`).
    static func escape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~,")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

/// An answer: status, body and extra headers, or a connection reset.
struct Reply: Sendable {
    var status: Int
    var body: String
    var contentType = "application/json"
    var headers: [(String, String)] = []
    /// Close the connection without answering (fault injection).
    var resetConnection = false

    static func json(_ status: Int, _ value: JSONValue) -> Reply {
        Reply(status: status, body: value.serialized())
    }

    /// `{"detail": "..."}`, TradingView's error shape.
    static func detail(_ status: Int, _ message: String) -> Reply {
        json(status, .object([("detail", .string(message))]))
    }

    static let ok = json(200, .object([("status", .string("ok"))]))
    static let notFound = detail(404, "Not found.")
    static let reset = Reply(status: 0, body: "", resetConnection: true)
}
