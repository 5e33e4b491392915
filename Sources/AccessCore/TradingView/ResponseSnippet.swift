import Foundation

/// A short, printable piece of a response body for error messages: control characters replaced,
/// length capped, and any secret we hold (cookies, keys) cut out in case a server echoed it.
enum ResponseSnippet {
    static func make(_ body: Data, redacting secrets: [String] = [], limit: Int = 120) -> String {
        var text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
        for secret in secrets where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "[redacted]")
        }
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .format ? " " : $0
        }))
        let trimmed = printable.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "(empty body)" }
        return trimmed.count > limit ? String(trimmed.prefix(limit)) + "…" : trimmed
    }
}
