import Foundation

/// The demo data set: the scripts and products config.json names, 60 accounts, existing access
/// (some expiring within 7 days, some expired, some lifetime) and 40 transactions covering every
/// case the sync must handle. Times are laid out around `now`.
public enum DemoSeed {
    public static let alphaTrendSuite = "PUB;7d3c1e9a0b2f4c6d8e1f2a3b4c5d6e7f"
    public static let momentumPro = "PUB;1a2b3c4d5e6f708192a3b4c5d6e7f809"
    public static let volumeRadar = "PUB;9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    public static let lifetimeToolkit = "PUB;0c0ffee0c0ffee0c0ffee0c0ffee0c0f"

    static let accounts = [
        "TraderJoe", "alice_fx", "MoonTrader", "BullishBen", "CryptoKate", "PipHunter", "SwingQueen",
        "ChartWizard", "FibonacciFan", "TrendRider", "MarketMaven", "DayTradeDan", "ForexFreya", "OptionsOlli",
        "GoldBug_Gary", "BreakoutBetty", "GapGrace", "SupportSam", "WyckoffWill", "ElliottEmma", "HarmonicHank",
        "IchimokuIvy", "PivotPaul", "QuantQuinn", "AlgoAlex", "BacktestBella", "RiskRick", "HedgeHelen",
        "ArbArthur", "MomentumMaya", "ValueVince", "DividendDora", "PennyPete", "BlueChipBob", "EnergyEli",
        "MetalsMia", "IndexIan", "FuturesFiona", "CryptoCraig", "ScalpMaster99", "DeltaDiana", "ThetaTom",
        "VWAPVictor", "RSI_Rachel", "MACD_Mike", "CandleCarl", "WickWatcher", "ResistanceRita", "TapeReader",
        "OrderFlowOscar", "LiquidityLiam", "SmartMoneySue", "ZoneZara", "SatoshiSven", "EtherElla",
        "AltcoinAmy", "DogeDave", "NightOwlNina", "EarlyBirdEd", "CoffeeChartist",
    ]

    /// (script, account, days until expiry or nil for lifetime, days since granted)
    private static let grants: [(String, String, Int?, Int)] = [
        (alphaTrendSuite, "TraderJoe", 12, 48), (alphaTrendSuite, "alice_fx", 3, 27),
        (alphaTrendSuite, "MoonTrader", 200, 165), (alphaTrendSuite, "BullishBen", -5, 35),
        (alphaTrendSuite, "CryptoKate", nil, 300), (alphaTrendSuite, "PipHunter", 6, 24),
        (alphaTrendSuite, "SwingQueen", 40, 50), (alphaTrendSuite, "ChartWizard", -20, 385),
        (momentumPro, "TraderJoe", 50, 40), (momentumPro, "FibonacciFan", 2, 5),
        (momentumPro, "TrendRider", 5, 2), (momentumPro, "MarketMaven", -3, 10),
        (volumeRadar, "TraderJoe", 50, 40), (volumeRadar, "DayTradeDan", 90, 0),
        (volumeRadar, "ForexFreya", 1, 89),
        (lifetimeToolkit, "OptionsOlli", nil, 200), (lifetimeToolkit, "GoldBug_Gary", nil, 120),
    ]

    /// (product, TradingView name as typed, status, hours ago, wp username); ids follow this order.
    private static let transactions: [(Int, String, String, Int, String)] = [
        (101, "TraderJoe", "complete", 28 * 24, "joe_trader"),
        (101, "alice_fx", "complete", 27 * 24, "alice"),
        (102, "MoonTrader", "complete", 26 * 24, "moon"),
        (103, "SwingQueen", "complete", 25 * 24, "swingqueen"),
        (104, "CryptoKate", "complete", 24 * 24, "kate"),
        (105, "TrendRider", "complete", 23 * 24, "trendrider"),
        (101, "TraderJo", "complete", 22 * 24, "joanna_t"),                                  // no such account
        (101, "@PipHunter", "complete", 21 * 24, "piphunter"),                               // @-prefixed
        (102, "https://www.tradingview.com/u/ChartWizard/", "complete", 20 * 24, "wizard"),  // profile link
        (101, "moontrader", "complete", 19 * 24, "moon"),                                    // wrong case
        (103, "DayTradeDan", "complete", 18 * 24, "dan"),
        (101, "BreakoutBetty", "pending", 17 * 24, "betty"),
        (101, "GapGrace", "failed", 16 * 24, "grace"),
        (101, "", "complete", 15 * 24, "mystery_buyer"),                                     // empty name
        (102, "SupportSam", "refunded", 14 * 24, "sam"),
        (101, "TraderJoe", "complete", 13 * 24, "joe_trader"),                               // repeat buyer
        (104, "WyckoffWill", "complete", 12 * 24, "will"),                                   // lifetime buyer
        (105, "FibonacciFan", "complete", 11 * 24, "fibfan"),                                // trial, no stacking
        (103, "ElliottEmma", "confirmed", 10 * 24 + 5, "emma"),
        (101, "tradingview.com/u/HarmonicHank", "complete", 10 * 24, "hank"),                // link, no scheme
        (101, "  IchimokuIvy ", "complete", 9 * 24 + 3, "ivy"),                              // stray spaces
        (101, "PivotPaul", "refunded", 9 * 24, "paul"),
        (102, "QuantQuinn", "complete", 8 * 24 + 2, "quinn"),
        (103, "AlgoAlex", "complete", 8 * 24, "alex"),
        (101, "BacktestBela", "complete", 7 * 24 + 1, "bella"),                              // mistyped
        (105, "RiskRick", "complete", 7 * 24, "rick"),
        (101, "HEDGEHELEN", "complete", 6 * 24 + 4, "helen"),                                // wrong case
        (104, "ArbArthur", "pending", 6 * 24, "arthur"),
        (101, "MomentumMaya", "complete", 5 * 24 + 6, "maya"),
        (103, "@valuevince", "complete", 5 * 24, "vince"),                                   // @ and wrong case
        (101, "DividendDora", "failed", 4 * 24 + 2, "dora"),
        (102, "PennyPete", "complete", 4 * 24, "pete"),
        (101, "BlueChipBob", "complete", 3 * 24 + 7, "bob"),
        (101, "not_a_real_trader", "complete", 3 * 24, "nobody"),                            // no such account
        (105, "EnergyEli", "complete", 2 * 24 + 8, "eli"),
        (103, "MetalsMia", "complete", 2 * 24, "mia"),
        (101, "alice_fx", "complete", 24, "alice"),                                          // repeat, expiring soon
        (104, "IndexIan", "complete", 20, "ian"),
        (101, "FuturesFiona", "refunded", 6, "fiona"),
        (102, "https://www.tradingview.com/u/CryptoCraig/", "complete", 2, "craig"),
    ]

    static func data(now: Date) -> SeedData {
        let day: TimeInterval = 86_400
        let start = Date(timeIntervalSince1970: floor(now.timeIntervalSince1970))
        let grantRecords = grants.map { pineId, name, expiresIn, grantedAgo in
            SeedGrant(pineId: pineId, username: name,
                      expiration: expiresIn.map { start.addingTimeInterval(Double($0) * day) },
                      created: start.addingTimeInterval(-Double(grantedAgo) * day))
        }
        let products = Dictionary(uniqueKeysWithValues: SeedData.products.map { ($0.id, $0) })
        let transactionRecords = transactions.enumerated().map { index, record in
            let (productId, typed, status, hoursAgo, wpUsername) = record
            let created = Date(timeIntervalSince1970: floor(now.timeIntervalSince1970 - Double(hoursAgo) * 3600))
            return SandboxTransaction(id: index + 1, productId: productId, email: "\(wpUsername)@example.com",
                                      wpUsername: wpUsername, tradingviewUsername: typed, status: status,
                                      createdAt: created, expiresAt: products[productId]?.expiry(from: created))
        }
        return SeedData(accounts: accounts, scripts: SeedData.scripts, products: SeedData.products,
                        grants: grantRecords, transactions: transactionRecords)
    }
}
