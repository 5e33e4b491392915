import Foundation

extension AppRuntime {
    /// The user's stories with what their purchases entitle: each purchase the story names is read from
    /// MemberPress by id (`UserStory.readEntitlement`).
    public func userStories(username: String, script: String? = nil, readingPurchases: Bool) async -> [UserStory] {
        var stories = userStories(username: username, script: script)
        guard readingPurchases else { return stories }
        for i in stories.indices { stories[i].entitled = await entitlement(of: stories[i]) }
        return stories
    }

    /// What the purchases `story` names entitle, read from MemberPress now.
    public func entitlement(of story: UserStory) async -> UserStory.Entitled {
        let wordpress = self.wordpress
        return await UserStory.readEntitlement(of: story, products: config.products, now: Date()) { try await wordpress.transaction(id: $0) }
    }
}

extension UserStory {
    /// A customer with more purchases than this is rare; the rest are named as unread.
    public static let maxPurchaseLookups = 50

    /// What the purchases this story names entitle, each read by id through `lookup` (one call each, at
    /// most `maxPurchaseLookups`). Purchases that cannot be read are listed as unread, with why; when
    /// none could be read the expiry is unknown (nil).
    public static func readEntitlement(of story: UserStory, products: [String: ProductConfig], now: Date,
                                       lookup: (String) async throws -> TransactionLookup) async -> Entitled {
        var seen = Set<String>(), ids: [String] = []
        let named = story.lines.compactMap(\.transactionId) + story.openReview.map(\.transactionId)
            + story.openRetry.compactMap(\.transactionId)
        // WordPress ids are digits; manual retries ("manual-...") and the like are not purchases.
        for id in named where !id.isEmpty && id.allSatisfy({ $0.isASCII && $0.isNumber }) && seen.insert(id).inserted { ids.append(id) }
        var found: [Transaction] = [], unread: [String] = []
        for (n, id) in ids.enumerated() {
            guard n < maxPurchaseLookups else { unread.append("\(id): not read (more than \(maxPurchaseLookups) purchases)"); continue }
            do {
                switch try await lookup(id) {
                case .found(let tx): found.append(tx)
                case .notFound: unread.append("\(id): MemberPress has no such transaction")
                case .rejected(let why): unread.append("\(id): \(why)")
                }
            } catch {
                unread.append("\(id): \(RemoteError.wrap(error))")
            }
        }
        var result = entitled(found, scriptId: story.script, products: products, unread: unread, now: now)
        if found.isEmpty && !unread.isEmpty { result.expiry = nil }
        return result
    }
}
