import Foundation

/// application/x-www-form-urlencoded and query strings, encoded strictly: only RFC 3986 unreserved
/// characters pass through, so `PUB;abc` goes out as `PUB%3Babc` and `+`, `&`, `=` cannot split a field.
public enum FormEncoding {
    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    public static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// Fields in the given order: `a=1&b=2`.
    public static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }
}
