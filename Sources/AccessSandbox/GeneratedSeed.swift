import Foundation

/// Large deterministic data for benchmarks, from the demo's scripts and products:
/// - `users` accounts; nine in ten (index not divisible by 10) already hold Alpha Trend Suite access,
///   expiring between 30 days ago and a year ahead, one in twenty of those for life;
/// - `transactions` transactions over the last 30 days, oldest first: 90% complete, 2% confirmed,
///   3% pending, 3% failed, 2% refunded; names typed exactly (92%), lower-cased (3%), `@`-prefixed (2%),
///   as a profile link (1%) or mistyped (2%).
enum GeneratedSeed {
    private static let prefixes = ["Trader", "alpha_", "Moon", "pip", "Swing", "chart_", "Bull", "fx"]

    static func name(_ index: Int) -> String {
        prefixes[index % prefixes.count] + String(format: "%06d", index)
    }

    static func data(users: Int, transactions: Int, seed: UInt64, now: Date) -> SeedData {
        var random = SplitMix64(seed: seed)
        let start = floor(now.timeIntervalSince1970)
        let day = 86_400.0
        let userCount = max(users, 1)
        let names = (0..<userCount).map(name)
        var grants: [SeedGrant] = []
        grants.reserveCapacity(userCount)
        for (index, username) in names.enumerated() where index % 10 != 0 {
            let lifetime = random.unit() < 0.05
            let expiresIn = -30 + Int(random.next() % 396)
            let grantedAgo = 1 + Int(random.next() % 365)
            grants.append(SeedGrant(pineId: DemoSeed.alphaTrendSuite, username: username,
                                    expiration: lifetime ? nil : Date(timeIntervalSince1970: start + Double(expiresIn) * day),
                                    created: Date(timeIntervalSince1970: start - Double(grantedAgo) * day)))
        }
        let products = SeedData.products
        var records: [SandboxTransaction] = []
        records.reserveCapacity(max(transactions, 0))
        let span = 30 * day
        for index in 0..<max(transactions, 0) {
            let account = names[Int(random.next() % UInt64(userCount))]
            let product = products[Int(random.next() % UInt64(products.count))]
            let created = Date(timeIntervalSince1970: floor(start - span + span * Double(index) / Double(max(transactions, 1))))
            let wpUsername = "wp_" + account.lowercased()
            records.append(SandboxTransaction(
                id: index + 1, productId: product.id, email: "\(wpUsername)@example.com", wpUsername: wpUsername,
                tradingviewUsername: typed(account, draw: random.unit()), status: status(draw: random.unit()),
                createdAt: created, expiresAt: product.expiry(from: created)))
        }
        return SeedData(accounts: names, scripts: SeedData.scripts, products: products,
                        grants: grants, transactions: records)
    }

    private static func typed(_ name: String, draw: Double) -> String {
        switch draw {
        case ..<0.92: return name
        case ..<0.95: return name.lowercased()
        case ..<0.97: return "@" + name
        case ..<0.98: return "https://www.tradingview.com/u/\(name)/"
        default: return name + "x"
        }
    }

    private static func status(draw: Double) -> String {
        switch draw {
        case ..<0.90: return "complete"
        case ..<0.92: return "confirmed"
        case ..<0.95: return "pending"
        case ..<0.98: return "failed"
        default: return "refunded"
        }
    }
}
