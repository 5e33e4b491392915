import Foundation

extension Keymap {
    /// Every problem of `console.keys` at once (`rebinding` stops at the first): `config check` lists them
    /// all so an admin fixes them in one go. Empty when `rebinding(overrides)` succeeds. Entries are taken
    /// in passes, each accepted when it fits beside those accepted so far, so that two actions trading keys
    /// are not reported as a clash; what never fits is reported with the reason it does not.
    public func problems(_ overrides: [String: String]) -> [String] {
        if (try? rebinding(overrides)) != nil { return [] }
        var accepted: [String: String] = [:]
        var pending = overrides.sorted { $0.key < $1.key }
        while true {
            let before = pending.count
            pending = pending.filter { action, key in
                var trial = accepted; trial[action] = key
                guard (try? rebinding(trial)) != nil else { return true }
                accepted = trial
                return false
            }
            if pending.count == before || pending.isEmpty { break }
        }
        return pending.map { action, key in
            var trial = accepted; trial[action] = key
            do { _ = try rebinding(trial); return "console.keys.\(action): does not fit beside the others" } catch {
                return String(describing: error)
            }
        }
    }
}
