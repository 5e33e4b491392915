import Foundation

/// JSONEncoder/JSONDecoder configured for the store's date format (`Time/SnapshotDate`), for the small parts
/// (journal lines, queues, intents) that go through Codable.
enum StoreJSON {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(SnapshotDate.string(date))
        }
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            guard let date = SnapshotDate.parse(text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected an ISO-8601 date, got \"\(text)\"")
            }
            return date
        }
        return d
    }

    /// A one-line description of a decoding error: what and where (coding path), no payload values.
    static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return String(describing: error) }
        func path(_ ctx: DecodingError.Context) -> String {
            let p = ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "" : " at \(p)"
        }
        switch e {
        case .dataCorrupted(let c): return "invalid JSON\(path(c)): \(c.debugDescription)"
        case .keyNotFound(let k, let c): return "missing key \"\(k.stringValue)\"\(path(c))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "wrong type\(path(c)): \(c.debugDescription)"
        @unknown default: return "invalid JSON"
        }
    }
}
