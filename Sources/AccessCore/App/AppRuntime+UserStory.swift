import Foundation

extension AppRuntime {
    /// `username`'s story on every configured script that knows them (or on `script` only).
    public func userStories(username: String, script: String? = nil) -> [UserStory] {
        let ids = config.scriptIds.filter { script == nil || $0 == script }
        return UserStory.load(username: username, scripts: ids.map { ($0, config.title(ofScript: $0)) },
                              masterData: masterDataDirectory, logPath: logFile.path)
    }
}

extension UserStory {
    /// Read as the files hold them now (no lock: it works while a sync runs). The event log is read
    /// whole, but only lines naming the user or one of their purchases are parsed.
    public static func load(username: String, scripts: [(id: String, title: String?)], masterData: URL, logPath: String) -> [UserStory] {
        let bytes = FileManager.default.contents(atPath: logPath) ?? Data()
        return scripts.compactMap { id, title in
            guard var state = try? ScriptStore.peek(directory: masterData, scriptId: id, detail: .full) else { return nil }
            if state.title == nil { state.title = title }
            let needles = [username.lowercased()] + purchases(script: state, username: username).sorted().map { $0.lowercased() }
            return build(script: state, username: username, events: eventLines(bytes, mentioning: needles))
        }
    }

    /// The events of a log whose line mentions one of `needles` (lowercase), parsed.
    static func eventLines(_ log: Data, mentioning needles: [String]) -> [AccessEvent] {
        let text = String(decoding: log, as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            let lower = line.lowercased()
            return needles.contains(where: { !$0.isEmpty && lower.contains($0) }) ? EventCoding.parse(line) : nil
        }
    }
}
