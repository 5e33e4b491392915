import Foundation

/// Where each status's MemberPress listing ended last time (`masterData/.memberpress-cursor`), so
/// a run with a `since` reads the tail of the listing instead of every page of the shop's history.
/// Only a hint: a wrong or stale page costs requests, never transactions (see `WordPressClient`).
public struct MemberPressCursor: Codable, Sendable, Equatable {
    /// status ("" when unfiltered) -> the page the listing ended on.
    public var lastPage: [String: Int] = [:]
    /// The page size those pages were counted in; another size starts over.
    public var perPage: Int

    public init(perPage: Int, lastPage: [String: Int] = [:]) { self.perPage = perPage; self.lastPage = lastPage }
}

/// Reads and writes the cursor file. A missing or unreadable file is no hint (a full read), never an error.
public struct MemberPressCursorFile: Sendable {
    public let path: String
    public init(path: String) { self.path = path }

    public func load(perPage: Int) -> MemberPressCursor {
        guard let data = FileManager.default.contents(atPath: path),
              let cursor = try? JSONDecoder().decode(MemberPressCursor.self, from: data), cursor.perPage == perPage else {
            return MemberPressCursor(perPage: perPage)
        }
        return cursor
    }

    /// Best effort: losing it costs one full read next time.
    public func save(_ cursor: MemberPressCursor) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(cursor) else { return }
        try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
