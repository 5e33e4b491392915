import Foundation

/// How the emulated MemberPress REST listing orders and pages, after the Developer Tools add-on
/// (facts from the MemberPress Developer Tools add-on's base API controller and transaction utils): request parameters merged over the defaults `page` 1,
/// `per_page` 10, `order` `ID`, `order_dir` `DESC`, so an unparameterised listing is newest first;
/// `ORDER BY t.{order} {order_dir} LIMIT per_page OFFSET (page-1)*per_page`; `X-WP-Total` and
/// `X-WP-TotalPages` headers. Versions and hosts differ, so each of these can be switched for a test
/// (`POST /__sandbox/memberpress`): the product must work for every plausible variant.
public struct MemberPressListing: Codable, Sendable, Equatable {
    /// The order when the request names none: "desc" (the add-on's default) or "asc".
    public var defaultOrder: String = "desc"
    /// Whether `order`/`order_dir` from the request are used (an older or patched add-on may ignore them).
    public var honourOrder = true
    /// Whether `X-WP-Total` / `X-WP-TotalPages` are sent (a proxy or cache may strip them).
    public var totalsHeaders = true
    /// `per_page` when the request names none.
    public var defaultPerPage = 10
    /// A cap on `per_page` some hosts apply (nil: none, as in the add-on).
    public var maxPerPage: Int?
    /// A live shop: every Nth listing request, before it is answered, a customer buys (a new account
    /// `Arrival<n>` and a complete purchase of product 101), so pages shift under a read in progress.
    public var arriveEvery: Int?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case defaultOrder = "default_order", honourOrder = "honour_order", totalsHeaders = "totals_headers"
        case defaultPerPage = "default_per_page", maxPerPage = "max_per_page", arriveEvery = "arrive_every"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        defaultOrder = try c.decodeIfPresent(String.self, forKey: .defaultOrder) ?? "desc"
        honourOrder = try c.decodeIfPresent(Bool.self, forKey: .honourOrder) ?? true
        totalsHeaders = try c.decodeIfPresent(Bool.self, forKey: .totalsHeaders) ?? true
        defaultPerPage = try c.decodeIfPresent(Int.self, forKey: .defaultPerPage) ?? 10
        maxPerPage = try c.decodeIfPresent(Int.self, forKey: .maxPerPage)
        arriveEvery = try c.decodeIfPresent(Int.self, forKey: .arriveEvery)
    }

    /// True when a request with these parameters lists ascending by id.
    func ascending(orderDir: String?) -> Bool {
        if honourOrder, let dir = orderDir?.lowercased(), dir == "asc" || dir == "desc" { return dir == "asc" }
        return defaultOrder.lowercased() == "asc"
    }

    func perPage(_ requested: String?) -> Int {
        let asked = requested.flatMap(Int.init) ?? defaultPerPage
        // `per_page=-1` drops the LIMIT in the add-on: everything at once.
        let size = asked < 1 ? Int.max : asked
        return min(size, maxPerPage ?? Int.max)
    }
}
