import Foundation

/// The one JSON-lines encoding of an event, shared by the log file writer and the tail reader.
public enum EventCoding {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .custom { date, enc in
            var c = enc.singleValueContainer()
            try c.encode(timestamp(date))
        }
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { dec in
            let s = try dec.singleValueContainer().decode(String.self)
            guard let date = parseTimestamp(s) else {
                throw DecodingError.dataCorrupted(.init(codingPath: dec.codingPath, debugDescription: "bad time \(s)"))
            }
            return date
        }
        return d
    }

    public static func line(_ event: AccessEvent) -> String {
        guard let data = try? encoder().encode(event), let s = String(data: data, encoding: .utf8) else {
            return #"{"event":"log.encode_failed","level":"error","message":"could not encode an event"}"#
        }
        return s
    }

    public static func parse(_ line: Substring) -> AccessEvent? {
        guard let data = line.data(using: .utf8) else { return nil }
        return try? decoder().decode(AccessEvent.self, from: data)
    }

    public static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted))
    }

    static func parseTimestamp(_ s: String) -> Date? {
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(s) { return d }
        return try? Date.ISO8601FormatStyle().parse(s)
    }
}
