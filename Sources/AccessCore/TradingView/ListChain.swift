import Foundation

/// Where the next page of a script's list starts (the direct client: the `next` URL with its cursor).
public struct ListCursor: Sendable, Hashable {
    public let value: String
    public init(_ value: String) { self.value = value }
}

/// One page of a script's list and where the next one starts (nil: the last page).
public struct ListPage: Sendable, Hashable {
    public var users: [RemoteAccess]
    public var next: ListCursor?
    public init(users: [RemoteAccess], next: ListCursor?) { self.users = users; self.next = next }
}

/// A script's list as its pages arrive: the users so far, and a guard against a `next` that never ends.
/// Pure; the direct client's `listUsers` and the sync engine's lanes both read pages through it.
public struct ListChain: Sendable {
    /// A guard against a server whose `next` never ends (30 per page: 300k users).
    public static let maxPages = 10_000
    public private(set) var users: [RemoteAccess] = []
    private var cursors: Set<ListCursor> = []
    private var pages = 0

    public init() {}

    /// Takes the next page; returns where the one after starts, nil when the list is complete.
    public mutating func add(_ page: ListPage) throws -> ListCursor? {
        pages += 1
        users += page.users
        guard let next = page.next else { return nil }
        guard cursors.insert(next).inserted else { throw RemoteError.malformed("list_users: next points back to a page already read") }
        guard pages < Self.maxPages else { throw RemoteError.malformed("list_users: more than \(Self.maxPages) pages") }
        return next
    }
}
