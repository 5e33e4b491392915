import Foundation

/// WordPress: the seed's flat since-endpoint and MemberPress's REST transactions.
extension World {
    /// `GET /all-user-transactions?since=UNIX_SECONDS`: created_at >= since, oldest first, no auth.
    func seedTransactions(_ request: SandboxRequest) -> Reply {
        var since = Date.distantPast
        if let text = request.query["since"], !text.isEmpty {
            guard let seconds = Double(text) else { return .detail(400, "since must be UNIX seconds") }
            since = Date(timeIntervalSince1970: seconds)
        }
        let records = transactions.filter { $0.createdAt >= since }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            .map(seedRecord)
        return .json(200, .array(records))
    }

    /// `GET /wp-json/mp/v1/transactions?page=&per_page=&status=&order=&order_dir=`: ordered and paged as
    /// `memberPressListing` says (newest first, ten a page by default), numbers as strings, the totals headers.
    mutating func memberPressTransactions(_ request: SandboxRequest, now: Date) -> Reply {
        guard request.header("memberpress-api-key") == memberpressKey else {
            return .json(401, .object([
                ("code", .string("mp_auth_error")),
                ("message", .string("Authentication failed: missing or invalid MEMBERPRESS-API-KEY header")),
                ("data", .object([("status", .int(401))])),
            ]))
        }
        let listing = memberPressListing
        listingRequests += 1
        if let every = listing.arriveEvery, every > 0, listingRequests % every == 0 { arrive(now: now) }
        let page = max(Int(request.query["page"] ?? "") ?? 1, 1)
        let perPage = listing.perPage(request.query["per_page"])
        let status = request.query["status"].flatMap { $0.isEmpty ? nil : $0 }
        var matching = status.map { wanted in transactions.filter { $0.status == wanted } } ?? transactions
        if !listing.ascending(orderDir: request.query["order_dir"]) { matching.reverse() }
        let (start, overflow) = (page - 1).multipliedReportingOverflow(by: perPage)
        let slice = !overflow && start < matching.count ? matching[start..<min(start + min(perPage, matching.count), matching.count)] : []
        var reply = Reply.json(200, .array(slice.map(memberPressRecord)))
        if listing.totalsHeaders {
            let pages = perPage == Int.max ? 1 : (matching.count + perPage - 1) / perPage
            reply.headers = [("X-WP-Total", String(matching.count)), ("X-WP-TotalPages", String(pages))]
        }
        return reply
    }

    /// A customer buys while the shop is being read (`MemberPressListing.arriveEvery`).
    mutating func arrive(now: Date) {
        let name = "Arrival\(listingRequests)"
        _ = accounts.add(name)
        _ = appendTransactions([SandboxTransaction(id: 0, productId: 101, email: "\(name.lowercased())@example.com",
                                                   wpUsername: name.lowercased(), tradingviewUsername: name, status: "complete",
                                                   createdAt: now, expiresAt: Calendar(identifier: .gregorian).date(byAdding: .month, value: 1, to: now))])
    }

    /// Changes a transaction's status, as an admin completing an offline payment or refunding does:
    /// `created_at` stays, the id keeps its place in the listing.
    mutating func setTransactionStatus(id: Int, status: String, expiresAt: Date??) -> Bool {
        guard let i = transactions.firstIndex(where: { $0.id == id }) else { return false }
        transactions[i].status = status
        if let expiresAt { transactions[i].expiresAt = expiresAt }
        return true
    }

    static let memberPressTransactionPrefix = "/wp-json/mp/v1/transactions/"

    /// `GET /wp-json/mp/v1/transactions/{id}`: one record as the listing has it, 404 as MemberPress does.
    func memberPressTransaction(_ request: SandboxRequest) -> Reply {
        guard request.header("memberpress-api-key") == memberpressKey else {
            return .json(401, .object([
                ("code", .string("mp_auth_error")),
                ("message", .string("Authentication failed: missing or invalid MEMBERPRESS-API-KEY header")),
                ("data", .object([("status", .int(401))])),
            ]))
        }
        let text = request.path.dropFirst(World.memberPressTransactionPrefix.count)
        guard let id = Int(text), let t = transactions.first(where: { $0.id == id }) else {
            return .json(404, .object([
                ("code", .string("mp_transaction_not_found")),
                ("message", .string("Transaction not found")),
                ("data", .object([("status", .int(404))])),
            ]))
        }
        return .json(200, memberPressRecord(t))
    }

    private func seedRecord(_ t: SandboxTransaction) -> JSONValue {
        .object([
            ("id", .int(t.id)),
            ("product_id", .int(t.productId)),
            ("email", .string(t.email)),
            ("wp_username", .string(t.wpUsername)),
            ("tradingview_username", .string(t.tradingviewUsername)),
            ("status", .string(t.status)),
            ("created_at", .string(Timestamps.wordPress(t.createdAt))),
            ("expires_at", .string(t.expiresAt.map(Timestamps.wordPress) ?? Timestamps.wordPressLifetime)),
        ])
    }

    private func memberPressRecord(_ t: SandboxTransaction) -> JSONValue {
        let product = products[t.productId]
        let amount = product?.amount ?? "0.00"
        return .object([
            ("id", .string(String(t.id))),
            ("amount", .string(amount)),
            ("total", .string(amount)),
            ("tax_amount", .string("0.00")),
            ("status", .string(t.status)),
            ("trans_num", .string(String(format: "mp-txn-%06d", t.id))),
            ("gateway", .string("sandbox")),
            ("created_at", .string(Timestamps.wordPress(t.createdAt))),
            ("expires_at", .string(t.expiresAt.map(Timestamps.wordPress) ?? Timestamps.wordPressLifetime)),
            ("member", .object([
                ("id", .string(String(memberIds[t.email.lowercased()] ?? 0))),
                ("email", .string(t.email)),
                ("username", .string(t.wpUsername)),
                ("display_name", .string(t.wpUsername)),
                ("profile", .object([("mepr_tradingview_username", .string(t.tradingviewUsername))])),
            ])),
            ("membership", .object([
                ("id", .string(String(t.productId))),
                ("title", .string(product?.title ?? "Product \(t.productId)")),
            ])),
        ])
    }

    /// Appends transactions (ids 0 get the next free id), keeping id order; returns the ids.
    mutating func appendTransactions(_ records: [SandboxTransaction]) -> [Int] {
        var nextId = (transactions.map(\.id).max() ?? 0) + 1
        var ids: [Int] = []
        for var record in records {
            if record.id <= 0 {
                record.id = nextId
            }
            nextId = max(nextId, record.id + 1)
            ids.append(record.id)
            assignMemberId(record.email)
            transactions.append(record)
        }
        transactions.sort { $0.id < $1.id }
        return ids
    }

    mutating func assignMemberId(_ email: String) {
        let key = email.lowercased()
        if memberIds[key] == nil { memberIds[key] = memberIds.count + 1 }
    }
}
