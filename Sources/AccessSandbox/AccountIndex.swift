/// A TradingView account. Names are unique case-insensitively; `username` is the canonical spelling.
struct Account: Sendable {
    let id: Int
    let username: String

    var userpic: String { "https://s3.tradingview.com/userpics/\(id)-sandbox.png" }
}

/// Accounts by exact and case-insensitive name, plus a sorted key list for prefix search
/// (`username_hint` must stay cheap at 100k accounts).
struct AccountIndex: Sendable {
    private var byLower: [String: Account] = [:]
    private var sortedLower: [String] = []
    private var nextId = 1

    init(usernames: [String]) {
        for name in usernames where byLower[name.lowercased()] == nil {
            byLower[name.lowercased()] = Account(id: nextId, username: name)
            nextId += 1
        }
        sortedLower = byLower.keys.sorted()
    }

    var count: Int { byLower.count }

    var names: [String] { sortedLower.compactMap { byLower[$0]?.username } }

    /// Adds an account; nil when the name is taken in any spelling or empty.
    mutating func add(_ username: String) -> Account? {
        let lower = username.lowercased()
        guard !username.isEmpty, byLower[lower] == nil else { return nil }
        let account = Account(id: nextId, username: username)
        nextId += 1
        byLower[lower] = account
        sortedLower.insert(lower, at: lowerBound(lower))
        return account
    }

    /// Renames an account, keeping its id (TradingView lets a user rename once; access stays with the
    /// account). nil when `from` is no account's exact spelling, or `to` is empty or taken in any
    /// spelling other than the account's own.
    mutating func rename(_ from: String, to: String) -> Account? {
        guard let account = exact(from), !to.isEmpty else { return nil }
        let oldLower = from.lowercased(), newLower = to.lowercased()
        if newLower != oldLower, byLower[newLower] != nil { return nil }
        let renamed = Account(id: account.id, username: to)
        byLower[oldLower] = nil
        sortedLower.remove(at: lowerBound(oldLower))
        byLower[newLower] = renamed
        sortedLower.insert(newLower, at: lowerBound(newLower))
        return renamed
    }

    /// The account spelled exactly so (the grant endpoints are case-sensitive).
    func exact(_ name: String) -> Account? {
        guard let account = byLower[name.lowercased()], account.username == name else { return nil }
        return account
    }

    /// The account whose name matches case-insensitively.
    func matching(_ name: String) -> Account? { byLower[name.lowercased()] }

    /// Accounts whose name starts with `prefix` case-insensitively, an exact match first, then by name.
    func withPrefix(_ prefix: String, limit: Int) -> [Account] {
        let lower = prefix.lowercased()
        guard !lower.isEmpty else { return [] }
        var found: [Account] = []
        var index = lowerBound(lower)
        while index < sortedLower.count, found.count < limit, sortedLower[index].hasPrefix(lower) {
            if let account = byLower[sortedLower[index]] { found.append(account) }
            index += 1
        }
        return found
    }

    private func lowerBound(_ key: String) -> Int {
        var low = 0, high = sortedLower.count
        while low < high {
            let mid = (low + high) / 2
            if sortedLower[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
