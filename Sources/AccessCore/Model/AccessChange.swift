import Foundation

/// One durable change to a script's master data: the unit the journal stores, one JSON line each.
/// `ScriptAccess.apply` is the only place that interprets them, so replay equals live.
/// Its JSON (stable, named keys) is in `AccessChange+Codable.swift`.
public enum AccessChange: Sendable, Hashable {
    case upsertUser(UserAccess)
    case removeUser(username: String)
    case appendHistory(username: String, entry: HistoryEntry)
    case markProcessed(transactionId: String)
    case setLastProcessed(Date)
    case setTitle(String)
    case setBootstrapped(Bool)
    case putRetry(RetryItem)
    case dropRetry(id: String)
    case putReview(ReviewItem)
    case dropReview(id: String)
    case openIntent(WriteIntent)
    case closeIntent(id: String)
}

extension ScriptAccess {
    public mutating func apply(_ change: AccessChange) {
        switch change {
        case .upsertUser(let u): users[Username.key(u.username)] = u
        case .removeUser(let name): users.removeValue(forKey: Username.key(name))
        case .appendHistory(let name, let entry): users[Username.key(name)]?.history.append(entry)
        case .markProcessed(let id): processedTransactions.insert(id)
        case .setLastProcessed(let d): lastProcessedAt = max(lastProcessedAt ?? d, d)
        case .setTitle(let t): title = t
        case .setBootstrapped(let b): bootstrapped = b
        case .putRetry(let item): retryQueue[item.id] = item
        case .dropRetry(let id): retryQueue.removeValue(forKey: id)
        case .putReview(let item): reviewQueue[item.id] = item
        case .dropReview(let id): reviewQueue.removeValue(forKey: id)
        case .openIntent(let i): openIntents[i.id] = i
        case .closeIntent(let id): openIntents.removeValue(forKey: id)
        }
    }

    public func applying(_ changes: [AccessChange]) -> ScriptAccess {
        var copy = self
        for c in changes { copy.apply(c) }
        return copy
    }
}
