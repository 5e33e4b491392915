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

    /// What `encoder()` writes for the event (keys sorted, nil members left out), by hand: every
    /// write of a sync emits several events, and a JSONEncoder per line cost more than the write.
    public static func line(_ event: AccessEvent) -> String {
        var w = JSONWriter(capacity: 256)
        w.raw("{"); w.key("event"); w.string(event.kind.name)
        w.raw(","); w.key("fields"); w.raw("{")
        for (i, key) in event.fields.keys.sorted().enumerated() {
            if i > 0 { w.raw(",") }
            w.string(key); w.raw(":"); w.string(event.fields[key]!)
        }
        w.raw("},"); w.key("level"); w.string(event.level.rawValue)
        w.raw(","); w.key("message"); w.string(event.message)
        w.raw(","); w.key("pid"); w.int(Int(event.pid))
        if let script = event.script { w.raw(","); w.key("script"); w.string(script) }
        w.raw(","); w.key("time"); w.string(timestamp(event.time))
        if let user = event.user { w.raw(","); w.key("user"); w.string(user) }
        w.raw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    public static func parse(_ line: Substring) -> AccessEvent? {
        guard let data = line.data(using: .utf8) else { return nil }
        return try? decoder().decode(AccessEvent.self, from: data)
    }

    /// `2026-11-23T12:26:45.120Z`: UTC, always with milliseconds.
    public static func timestamp(_ date: Date) -> String { TimeText.isoMilliseconds(date) }

    static func parseTimestamp(_ s: String) -> Date? { TimeText.parseISO(s) }
}
