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

    /// The byte-prefix sort orders like lowercased string comparison.
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

/// The users index is built in parts side by side from 20k users on; it must hold what a row-by-row
/// build holds, and equal values must sort the same on every start (rows come in hash order).
@Suite struct UsersIndexTests {
    @Test func aLargeIndexBuiltInPartsHoldsEveryUserOnce() {
        let users = SampleUsers.make(count: 30_000, now: Fixture.now)
        let index = UsersIndex(users: users)
        #expect(index.rows.count == users.count)
        #expect(Set(index.rows.map(\.username)) == Set(users.map(\.username)))
        // Each row's search text is its own username and email, lowercased.
        for (i, row) in index.rows.enumerated() where i % 97 == 0 || i == index.rows.count - 1 {
            let text = String(decoding: index.searchBlob[Int(index.searchStart[i])..<Int(index.searchStart[i + 1])], as: UTF8.self)
            #expect(text == row.username.lowercased() + " " + row.email.lowercased())
        }
        let byName = index.byUsername.map { index.rows[Int($0)].username.lowercased() }
        #expect(byName == byName.sorted())
    }

    @Test func equalExpiriesSortByUsernameWhateverTheRowOrder() {
        let day = Fixture.now.addingTimeInterval(86_400)
        let names = ["delta", "alpha", "Charlie", "bravo", "echo"]
        let users = names.map { UserAccess(username: $0, email: nil, expiry: day) }
        var orders: Set<[String]> = []
        for shuffled in [users, users.reversed(), [users[2], users[0], users[4], users[1], users[3]]] {
            var t = UsersTable(users: shuffled)
            t.sort(by: .expiry, ascending: true)
            orders.insert((0..<t.count).compactMap { t.row(at: $0)?.username })
        }
        #expect(orders == [["alpha", "bravo", "Charlie", "delta", "echo"]])
    }
}
