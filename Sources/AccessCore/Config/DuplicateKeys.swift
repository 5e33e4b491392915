import Foundation

/// Keys given twice in one JSON object. JSONSerialization keeps the last one silently: a second
/// `"server"` section would replace the first and drop its secrets without a word.
enum DuplicateKeys {
    /// Each repeated key as a dotted path (`server`, `products.101.title`), with the line of the repeat.
    /// Empty for a document the reader cannot parse (the loader reports that separately).
    static func find(in data: Data) -> [(path: String, line: Int)] {
        var found: [(path: String, line: Int)] = []
        data.withUnsafeBytes { raw in
            var reader = JSONReader(raw.bindMemory(to: UInt8.self))
            do { try walk(&reader, at: "", data: data, into: &found) } catch { found = [] }
        }
        return found
    }

    private static func walk(_ r: inout JSONReader, at path: String, data: Data, into found: inout [(path: String, line: Int)]) throws {
        switch r.peek() {
        case 0x7B:
            var seen = Set<String>()
            try r.object { r, key in
                let child = path.isEmpty ? key : "\(path).\(key)"
                if !seen.insert(key).inserted { found.append((child, line(before: r.pos, in: data))) }
                try walk(&r, at: child, data: data, into: &found)
            }
        case 0x5B:
            var i = 0
            try r.array { r in try walk(&r, at: "\(path)[\(i)]", data: data, into: &found); i += 1 }
        default:
            try r.skipValue()
        }
    }

    private static func line(before offset: Int, in data: Data) -> Int {
        1 + data.prefix(offset).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}
