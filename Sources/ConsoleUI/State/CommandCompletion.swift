import AccessCore
import Foundation

/// Tab in the `:` line: completes the word being typed with a command name, a script, a user of the
/// shown script or a term, as fits its place in the line.
extension ConsoleReducer {
    /// The `:` verbs beyond the action names (which are commands too).
    static let commandVerbs = ["grant", "extend", "revoke", "validate", "user", "history", "search", "script",
                               "sync", "resync", "dry", "help", "quit"]
    static let userVerbs: Set<String> = ["grant", "extend", "revoke", "validate", "user", "history"]

    static func completions(_ s: ConsoleState, words: [String]) -> [String] {
        let last = words.last ?? "", lower = last.lowercased()
        if words.count <= 1 {
            let names = commandVerbs + ConsoleAction.allCases.map(\.rawValue).filter { !commandVerbs.contains($0) }
            return names.filter { $0.lowercased().hasPrefix(lower) }
        }
        let verb = words[0].lowercased()
        if verb == "script" {
            return s.scripts.map(\.scriptId).filter { $0.lowercased().hasPrefix(lower) || $0.lowercased().contains(lower) }
        }
        if userVerbs.contains(verb), words.count == 2 { return s.users.index.usernames(withPrefix: last, limit: 9) }
        if (verb == "grant" || verb == "extend"), words.count == 3 {
            return TermPicker.presets.map(\.description).filter { $0.lowercased().hasPrefix(lower) }
        }
        return []
    }

    static func complete(_ s: ConsoleState, _ line: inout CommandLine) {
        var words = line.field.text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if words.isEmpty { words = [""] }
        let found = completions(s, words: words)
        line.candidates = Array(found.prefix(8))
        guard let first = found.first else { return }
        if found.count == 1 {
            words[words.count - 1] = first
            line.field = TextField(words.joined(separator: " ") + " ")
            line.candidates = []
            return
        }
        // Several: as far as they agree (case-insensitively, in the first one's spelling).
        var common = first.count
        for c in found.dropFirst() {
            common = min(common, zip(first.lowercased(), c.lowercased()).prefix { $0 == $1 }.count)
        }
        if common > (words.last ?? "").count {
            words[words.count - 1] = String(first.prefix(common))
            line.field = TextField(words.joined(separator: " "))
        }
    }
}

extension UsersIndex {
    /// Up to `limit` usernames starting with `prefix` (any case), in username order: a binary search in
    /// the username order, then a walk, so Tab costs microseconds at 100k users.
    public func usernames(withPrefix prefix: String, limit: Int) -> [String] {
        let needle = Array(prefix.lowercased().utf8)
        let order = byUsername
        func name(_ row: Int32) -> ArraySlice<UInt8> { searchBlob[Int(searchStart[Int(row)])..<Int(nameEnd[Int(row)])] }
        var lo = 0, hi = order.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if name(order[mid]).lexicographicallyPrecedes(needle) { lo = mid + 1 } else { hi = mid }
        }
        var out: [String] = []
        var i = lo
        while i < order.count, out.count < limit, name(order[i]).starts(with: needle) {
            out.append(users[Int(order[i])].username)
            i += 1
        }
        return out
    }
}
