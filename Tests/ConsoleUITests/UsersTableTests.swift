import AccessCore
import Foundation
import Testing
@testable import ConsoleUI

@Suite struct UsersTableTests {
    static let users = SampleUsers.make(count: 3000, now: Fixture.now) + [
        UserAccess(username: "Zoë_Ünïcode", email: "ZOE@Example.com", expiry: nil),
    ]

    /// Backspacing reuses earlier matches: what is shown must equal a fresh search every time.
    @Test func backspacingShowsWhatAFreshFilterShows() {
        var t = UsersTable(users: Self.users)
        for text in ["u", "us", "user1", "user12", "user1", "u", "user", "zoë", "zo", "ex", "", "EXAMPLE"] {
            t.setFilter(text)
            var fresh = UsersTable(users: Self.users)
            fresh.setFilter(text)
            #expect((0..<t.count).map { t.row(at: $0)?.username } == (0..<fresh.count).map { fresh.row(at: $0)?.username }, "\(text)")
        }
    }

    /// The byte-prefix sort orders like lowercased string comparison, ties by row.
    @Test func sortsMatchStringOrder() {
        var t = UsersTable(users: Self.users)
        let names = (0..<t.count).compactMap { t.row(at: $0)?.username.lowercased() }
        #expect(names == names.sorted())
        t.sort(by: .email, ascending: false)
        let emails = (0..<t.count).compactMap { t.row(at: $0)?.email.lowercased() }
        #expect(emails == emails.sorted(by: >))
        t.sort(by: .expiry, ascending: true)
        let expiries = (0..<t.count).compactMap { t.row(at: $0)?.expiry?.timeIntervalSince1970 ?? .infinity }
        #expect(expiries == expiries.sorted())
    }
}
