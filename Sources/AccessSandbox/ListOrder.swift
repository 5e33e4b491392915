import Foundation

/// The `order_by` values list_users accepts. Expiration orders follow PostgreSQL: lifetime (null)
/// sorts last ascending and first descending.
enum ListOrder: String, Sendable, CaseIterable {
    case created = "created"
    case createdDescending = "-created"
    case username = "user__username"
    case usernameDescending = "-user__username"
    case expiration = "expiration,user__username"
    case expirationDescending = "-expiration,user__username"

    func sorted(_ grants: some Collection<Grant>) -> [Grant] {
        switch self {
        case .created: return grants.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
        case .createdDescending: return grants.sorted { ($0.created, $0.id) > ($1.created, $1.id) }
        case .username: return grants.sorted(by: ListOrder.byName)
        case .usernameDescending: return grants.sorted { ListOrder.byName($1, $0) }
        case .expiration:
            return grants.sorted { a, b in
                switch (a.expiration, b.expiration) {
                case let (x?, y?): return x != y ? x < y : ListOrder.byName(a, b)
                case (nil, nil): return ListOrder.byName(a, b)
                case (nil, _?): return false
                case (_?, nil): return true
                }
            }
        case .expirationDescending:
            return grants.sorted { a, b in
                switch (a.expiration, b.expiration) {
                case let (x?, y?): return x != y ? x > y : ListOrder.byName(a, b)
                case (nil, nil): return ListOrder.byName(a, b)
                case (nil, _?): return true
                case (_?, nil): return false
                }
            }
        }
    }

    private static func byName(_ a: Grant, _ b: Grant) -> Bool {
        a.lowerName != b.lowerName ? a.lowerName < b.lowerName : a.username < b.username
    }
}

/// The opaque list_users cursor: base64 of the offset into the ordered list.
enum ListCursor {
    static func encode(offset: Int) -> String {
        Data("o:\(offset)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) -> Int? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
              let text = String(data: data, encoding: .utf8), text.hasPrefix("o:"),
              let offset = Int(text.dropFirst(2)), offset >= 0 else { return nil }
        return offset
    }
}
