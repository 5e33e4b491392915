import Foundation

/// `application/x-www-form-urlencoded` as browsers send it: `name=value&...`, `+` for space,
/// percent-escapes decoded as UTF-8. A malformed escape keeps its text as typed rather than failing:
/// the value is only ever validated and shown escaped. The first of repeated names wins.
public enum FormBody {
    public static func parse(_ data: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: data, as: UTF8.self).split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
