import Foundation

extension JSONValue {
    /// Parses a whole document with the store's pull parser. Many times faster than `JSONDecoder`
    /// for this enum, whose `Decodable` init must try each kind in turn (every miss throws).
    public static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { raw in
            var reader = JSONReader(raw.bindMemory(to: UInt8.self))
            let value = try reader.anyValue()
            guard reader.atEnd() else { throw reader.fail("text after the JSON value") }
            return value
        }
    }
}

extension JSONReader {
    mutating func anyValue() throws -> JSONValue {
        switch peek() {
        case 0x7B:
            var fields: [String: JSONValue] = [:]
            try object { r, key in fields[key] = try r.anyValue() }
            return .object(fields)
        case 0x5B:
            var items: [JSONValue] = []
            try array { r in items.append(try r.anyValue()) }
            return .array(items)
        case 0x22:
            return .string(try string())
        case 0x74, 0x66:
            return .bool(try bool())
        case 0x6E:
            guard null() else { throw fail("expected a value") }
            return .null
        case nil:
            throw fail("unexpected end of input")
        default:
            let range = try skipValue()
            let literal = text(range)
            if let i = Int64(literal) { return .integer(i) }
            if let d = Double(literal), d.isFinite { return .number(d) }
            throw fail("expected a value, got \(literal.prefix(20))")
        }
    }
}
