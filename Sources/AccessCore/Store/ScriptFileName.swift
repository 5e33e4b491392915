import Foundation

/// Script ids (`PUB;7d3c...`) as file names: letters, digits and `;-_.` stay, every other byte is
/// percent-encoded (`/` -> `%2F`), as is a leading dot, so the mapping is reversible and never
/// escapes the folder or hides the file.
enum ScriptFileName {
    static func encode(_ scriptId: String) -> String {
        var out = ""
        for (i, byte) in scriptId.utf8.enumerated() {
            let c = Character(Unicode.Scalar(byte))
            let keep = byte < 0x80 && (c.isLetter || c.isNumber || ";-_".contains(c) || (c == "." && i > 0))
            out += keep ? String(c) : String(format: "%%%02X", byte)
        }
        return out
    }

    /// The script id of a file base name written by `encode`; nil for names `encode` never makes.
    static func decode(_ name: String) -> String? {
        guard let id = name.removingPercentEncoding, !id.isEmpty, encode(id) == name else { return nil }
        return id
    }
}
