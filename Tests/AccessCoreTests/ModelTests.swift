import Foundation
import Testing
@testable import AccessCore

@Suite struct AccessTermTests {
    static let utc: Calendar = { var c = Calendar(identifier: .gregorian); c.timeZone = TimeZone(identifier: "UTC")!; return c }()
    func date(_ y: Int, _ m: Int, _ d: Int) -> Date { Self.utc.date(from: DateComponents(year: y, month: m, day: d, hour: 12))! }

    @Test func parsesTerms() {
        #expect(AccessTerm("7D") == .days(7))
        #expect(AccessTerm("1m") == .months(1))
        #expect(AccessTerm("1Y") == .years(1))
        #expect(AccessTerm("lifetime") == .lifetime)
        #expect(AccessTerm("0D") == nil)
        #expect(AccessTerm("x") == nil)
    }

    @Test func monthArithmeticIsCalendarArithmetic() {
        #expect(AccessTerm.months(1).expiry(from: date(2025, 1, 31)) == date(2025, 2, 28))
        #expect(AccessTerm.months(1).expiry(from: date(2024, 1, 31)) == date(2024, 2, 29))
        #expect(AccessTerm.years(1).expiry(from: date(2024, 2, 29)) == date(2025, 2, 28))
        #expect(AccessTerm.lifetime.expiry(from: date(2024, 1, 1)) == nil)
    }
}

@Suite struct UsernameTests {
    @Test func normalizes() {
        #expect(Username.normalize("  @Trader_Joe ") == "Trader_Joe")
        #expect(Username.normalize("https://www.tradingview.com/u/Alice99/") == "Alice99")
        #expect(Username.normalize("tradingview.com/u/bob") == "bob")
        #expect(Username.normalize("   ") == nil)
        #expect(Username.normalize("bad name") == nil)
        #expect(Username.key("AbC") == "abc")
    }
}
