import Foundation

/// The journal's JSON for one change: `{"<kind>": {<named members>}}`. The names are written here, not
/// derived from Swift case names, so renaming a case cannot change the format. Journals written before
/// (synthesized Codable, `_0` for unlabelled values) still read: `_0` is accepted wherever a named
/// member is missing.
extension AccessChange: Codable {
    enum Kind: String, CodingKey, CaseIterable {
        case upsertUser, removeUser, appendHistory, markProcessed, setLastProcessed, setTitle, setBootstrapped
        case putRetry, dropRetry, putReview, dropReview, openIntent, closeIntent
    }

    enum Member: String, CodingKey {
        case user, username, entry, transactionId, date, title, bootstrapped, item, id, intent
        case legacy = "_0"
    }

    /// The kind's JSON key and the name of its unlabelled member, shared with the hand codec.
    var kind: Kind {
        switch self {
        case .upsertUser: return .upsertUser
        case .removeUser: return .removeUser
        case .appendHistory: return .appendHistory
        case .markProcessed: return .markProcessed
        case .setLastProcessed: return .setLastProcessed
        case .setTitle: return .setTitle
        case .setBootstrapped: return .setBootstrapped
        case .putRetry: return .putRetry
        case .dropRetry: return .dropRetry
        case .putReview: return .putReview
        case .dropReview: return .dropReview
        case .openIntent: return .openIntent
        case .closeIntent: return .closeIntent
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: Kind.self)
        var c = outer.nestedContainer(keyedBy: Member.self, forKey: kind)
        switch self {
        case .upsertUser(let u): try c.encode(u, forKey: .user)
        case .removeUser(let name): try c.encode(name, forKey: .username)
        case .appendHistory(let name, let entry): try c.encode(name, forKey: .username); try c.encode(entry, forKey: .entry)
        case .markProcessed(let id): try c.encode(id, forKey: .transactionId)
        case .setLastProcessed(let d): try c.encode(d, forKey: .date)
        case .setTitle(let t): try c.encode(t, forKey: .title)
        case .setBootstrapped(let b): try c.encode(b, forKey: .bootstrapped)
        case .putRetry(let item): try c.encode(item, forKey: .item)
        case .dropRetry(let id): try c.encode(id, forKey: .id)
        case .putReview(let item): try c.encode(item, forKey: .item)
        case .dropReview(let id): try c.encode(id, forKey: .id)
        case .openIntent(let i): try c.encode(i, forKey: .intent)
        case .closeIntent(let id): try c.encode(id, forKey: .id)
        }
    }

    public init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: Kind.self)
        guard outer.allKeys.count == 1, let kind = outer.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected one change kind, found \(outer.allKeys.count)"))
        }
        let c = try outer.nestedContainer(keyedBy: Member.self, forKey: kind)
        /// The named member, or `_0` in journals written before the names.
        func value<T: Decodable>(_ type: T.Type, _ key: Member) throws -> T {
            if !c.contains(key), c.contains(.legacy) { return try c.decode(T.self, forKey: .legacy) }
            return try c.decode(T.self, forKey: key)
        }
        switch kind {
        case .upsertUser: self = .upsertUser(try value(UserAccess.self, .user))
        case .removeUser: self = .removeUser(username: try c.decode(String.self, forKey: .username))
        case .appendHistory: self = .appendHistory(username: try c.decode(String.self, forKey: .username),
                                                   entry: try c.decode(HistoryEntry.self, forKey: .entry))
        case .markProcessed: self = .markProcessed(transactionId: try c.decode(String.self, forKey: .transactionId))
        case .setLastProcessed: self = .setLastProcessed(try value(Date.self, .date))
        case .setTitle: self = .setTitle(try value(String.self, .title))
        case .setBootstrapped: self = .setBootstrapped(try value(Bool.self, .bootstrapped))
        case .putRetry: self = .putRetry(try value(RetryItem.self, .item))
        case .dropRetry: self = .dropRetry(id: try c.decode(String.self, forKey: .id))
        case .putReview: self = .putReview(try value(ReviewItem.self, .item))
        case .dropReview: self = .dropReview(id: try c.decode(String.self, forKey: .id))
        case .openIntent: self = .openIntent(try value(WriteIntent.self, .intent))
        case .closeIntent: self = .closeIntent(id: try c.decode(String.self, forKey: .id))
        }
    }
}
