import Foundation

/// A product as WordPress sells it: MemberPress shows its title and price.
struct SeedProduct: Sendable {
    let id: Int
    let title: String
    let amount: String
    /// The term MemberPress uses for a transaction's own `expires_at`.
    let term: Term

    enum Term: Sendable { case days(Int), months(Int), lifetime }

    /// `expires_at` for a purchase at `start`, calendar arithmetic in UTC; nil = lifetime.
    func expiry(from start: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        switch term {
        case .days(let days): return calendar.date(byAdding: .day, value: days, to: start)
        case .months(let months): return calendar.date(byAdding: .month, value: months, to: start)
        case .lifetime: return nil
        }
    }
}

/// A script the sandbox's TradingView account owns.
struct SeedScript: Sendable {
    let pineId: String
    let title: String
}

/// Access that exists when the sandbox starts.
struct SeedGrant: Sendable {
    let pineId: String
    let username: String
    let expiration: Date?
    let created: Date
}

/// Everything a seed produces; the world is built from it at start and on reset.
struct SeedData: Sendable {
    var accounts: [String]
    var scripts: [SeedScript]
    var products: [SeedProduct]
    var grants: [SeedGrant]
    var transactions: [SandboxTransaction]

    /// The scripts and products of the demo, shared by the generated seed.
    static let scripts = [
        SeedScript(pineId: DemoSeed.alphaTrendSuite, title: "Alpha Trend Suite"),
        SeedScript(pineId: DemoSeed.momentumPro, title: "Momentum Pro"),
        SeedScript(pineId: DemoSeed.volumeRadar, title: "Volume Radar"),
        SeedScript(pineId: DemoSeed.lifetimeToolkit, title: "Lifetime Toolkit"),
    ]

    static let products = [
        SeedProduct(id: 101, title: "Alpha monthly", amount: "29.00", term: .months(1)),
        SeedProduct(id: 102, title: "Alpha yearly", amount: "299.00", term: .months(12)),
        SeedProduct(id: 103, title: "Bundle quarterly", amount: "79.00", term: .months(3)),
        SeedProduct(id: 104, title: "Lifetime", amount: "499.00", term: .lifetime),
        SeedProduct(id: 105, title: "Momentum weekly trial", amount: "9.00", term: .days(7)),
    ]

    static func make(_ seed: Seed, now: Date) -> SeedData {
        switch seed {
        case .demo: return DemoSeed.data(now: now)
        case let .generated(users, transactions, seed):
            return GeneratedSeed.data(users: users, transactions: transactions, seed: seed, now: now)
        }
    }
}
