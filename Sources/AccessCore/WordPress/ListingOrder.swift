import Foundation

/// The order a MemberPress listing came back in, judged from the ids on a page. The add-on lists
/// `ORDER BY t.id DESC` unless asked otherwise, and some versions or hosts ignore the request's
/// `order_dir`: the client asks for newest first and believes only what the ids show.
enum ListingOrder: Sendable, Equatable {
    case newestFirst, oldestFirst, unknown

    /// From consecutive records' numeric ids; fewer than two, non-numeric or mixed ids say nothing.
    static func of(_ ids: [Int?]) -> ListingOrder {
        let known = ids.compactMap { $0 }
        guard known.count >= 2, known.count == ids.count else { return .unknown }
        let pairs = zip(known, known.dropFirst())
        if pairs.allSatisfy({ $0 > $1 }) { return .newestFirst }
        if pairs.allSatisfy({ $0 < $1 }) { return .oldestFirst }
        return .unknown
    }
}

/// One page of a MemberPress listing with the totals headers, when the server sends them.
struct ListingPage: Sendable {
    var records: [JSONValue]
    /// `X-WP-Total`: records matching the filters when this page was served.
    var total: Int?
    /// `X-WP-TotalPages`.
    var totalPages: Int?

    var ids: [Int?] { records.map(Self.id) }

    static func id(_ record: JSONValue) -> Int? {
        guard let text = record.value(at: "id")?.text else { return nil }
        return Int(text)
    }
}
