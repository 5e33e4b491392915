import Foundation

/// Any JSON value, for records whose shape is partly configurable (dotted field paths).
public enum JSONValue: Sendable, Hashable, Decodable {
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Int64.self) { self = .integer(v) }
        else if let v = try? c.decode(Double.self) { self = .number(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([JSONValue].self) { self = .array(v) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// The value at a dotted path like `member.profile.mepr_tradingview_username`; nil when any step is missing.
    public func value(at path: String) -> JSONValue? {
        var current: JSONValue? = self
        for key in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .object(let fields)? = current else { return nil }
            current = fields[String(key)]
        }
        return current
    }

    /// Text for scalars, whether sent as a string or a number (`"3"` and `3` both give "3"); nil for
    /// null, empty strings, arrays and objects.
    public var text: String? {
        switch self {
        case .string(let s): return s.isEmpty ? nil : s
        case .integer(let i): return String(i)
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): return b ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }
}
