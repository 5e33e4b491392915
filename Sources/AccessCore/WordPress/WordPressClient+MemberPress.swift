import Foundation

/// MemberPress's REST listing as it really is (the Developer Tools add-on's listing query): OFFSET pages over a
/// live table, newest first unless the server honours `order_dir`, totals in headers that a proxy may
/// strip. The client asks for newest first, believes only the ids it gets, and works with either order.
extension WordPressClient {
    /// What one status's listing read gave.
    struct ListingRead: Sendable {
        var records: [JSONValue] = []
        /// The page the listing ended on (the cursor's hint for an oldest-first server without totals).
        var lastPage = 1
        var notes: [SourceNote] = []
    }

    /// One paging run per configured status, side by side; then the pending watch.
    func memberPress(since: Date?) async throws -> TransactionBatch {
        let statuses: [String?] = (config.statusFilter?.isEmpty ?? true) ? [nil] : config.statusFilter!.map { $0 }
        let perPage = max(1, config.perPage ?? Self.defaultPerPage)
        var cursor = cursorFile?.load(perPage: perPage) ?? MemberPressCursor(perPage: perPage)
        let hints = cursor.lastPage
        let runs = try await withThrowingTaskGroup(of: (Int, ListingRead).self) { group in
            for (i, status) in statuses.enumerated() {
                // A refund of an old purchase sits at the old purchase's place in the refunds listing:
                // that listing (short: refunds are rare) is read whole every run.
                let whole = status.flatMap { TransactionStatus(rawValue: $0.lowercased()) }?.needsReview ?? false
                group.addTask {
                    (i, try await self.readListing(status: status, perPage: perPage, since: whole ? nil : since, hint: hints[status ?? ""]))
                }
            }
            var out: [(Int, ListingRead)] = []
            for try await run in group { out.append(run) }
            return out.sorted { $0.0 < $1.0 }
        }
        for (i, run) in runs { cursor.lastPage[statuses[i] ?? ""] = run.lastPage }
        cursorFile?.save(cursor)
        var seen = Set<String>()
        var records: [JSONValue] = []
        for (_, run) in runs {
            for r in run.records {
                // A page shifted by an insertion repeats a record: once is enough.
                if let id = r.value(at: "id")?.text, !seen.insert(id).inserted { continue }
                records.append(r)
            }
        }
        var batch = mapper.mapAll(records)
        batch.notes = runs.flatMap(\.1.notes)
        if let watchFile {
            // Listings filtered to paid statuses never show a pending payment: its own listing, newest first
            // back to the oldest age still watched, finds them (usually one short page).
            var pending: [Transaction] = []
            let wanted = Set((config.statusFilter ?? []).map { $0.lowercased() })
            if !wanted.isEmpty && !wanted.contains(TransactionStatus.pending.rawValue) {
                let read = try await readListing(status: TransactionStatus.pending.rawValue, perPage: perPage,
                                                 since: Date().addingTimeInterval(-watchFile.maxAge), hint: nil)
                pending = mapper.mapAll(read.records).transactions
            }
            try await watch(&batch, pending: pending, file: watchFile)
        }
        return batch
    }

    /// Reads one status's listing: everything since `since` (everything without one), in whichever order the
    /// server lists. Newest first: pages from 1 until one reaches past `since`. Oldest first: from the last
    /// page (`X-WP-TotalPages`, else the cursor's hint) back until a page starts before `since`, else every
    /// page. Order unknown: every page. A read that cannot show it saw everything says so in a note.
    func readListing(status: String?, perPage: Int, since: Date?, hint: Int?) async throws -> ListingRead {
        var attempt = 0
        while true {
            attempt += 1
            var read = try await readListingOnce(status: status, perPage: perPage, since: since, hint: hint)
            let shifted = read.notes.contains { $0.kind == .incomplete }
            if !shifted || attempt == 2 { return read }
            read.notes = []
        }
    }

    private func readListingOnce(status: String?, perPage asked: Int, since: Date?, hint: Int?) async throws -> ListingRead {
        let first = try await fetchListing(1, perPage: asked, status: status)
        var read = ListingRead(records: first.records, lastPage: 1)
        // A host may cap `per_page` below what was asked: a short first page then is not the end. The count
        // says so where it is sent; else page 2 is asked once.
        var perPage = asked
        if first.records.count < asked {
            guard !first.records.isEmpty else { return read }
            if let total = first.total {
                guard total > first.records.count else { return read }
            } else {
                // Empty: page 1 was all. The same records again: the server ignores `page`, and page 1 was all.
                let second = try await fetchListing(2, perPage: asked, status: status)
                guard let head = second.records.first, !first.records.contains(head) else { return read }
            }
            perPage = first.records.count
        }
        switch ListingOrder.of(first.ids) {
        case .newestFirst where since != nil:
            return try await readNewestFirst(first, status: status, perPage: perPage, since: since!)
        case .oldestFirst where since != nil:
            if let pages = first.totalPages, pages > 1 {
                return try await readTail(from: pages, first: first, status: status, perPage: perPage, since: since!)
            }
            if let hint, hint > 1 {
                return try await readTail(from: hint, first: first, status: status, perPage: perPage, since: since!, beyond: true)
            }
            fallthrough
        default:
            read = try await readForward(from: first, status: status, perPage: perPage)
            return read
        }
    }

    /// Newest first: page 1 holds what is new; read on until a page reaches a record dated before `since`.
    private func readNewestFirst(_ first: ListingPage, status: String?, perPage: Int, since: Date) async throws -> ListingRead {
        var read = ListingRead(records: first.records, lastPage: 1)
        var previous = first
        var page = 1
        func reachesPast(_ p: ListingPage) -> Bool {
            p.records.contains { mapper.createdAt($0).map { $0 < since } ?? false }
        }
        if reachesPast(first) { return read }
        while page < Self.maxPages {
            // Usually the first page is enough; past it, a window of pages at a time hides round trips.
            let window = (page + 1)...(page + Self.pageWindow)
            let pages = try await fetchListings(window, perPage: perPage, status: status)
            for (offset, p) in pages.enumerated() {
                page = window.lowerBound + offset
                read.lastPage = page
                if let note = Self.shift(from: previous, to: p, order: .newestFirst, page: page, status: status) {
                    read.notes.append(note)
                    return read
                }
                read.records += p.records
                if p.records.count < perPage || reachesPast(p) { return read }
                previous = p
            }
        }
        read.notes.append(SourceNote(.incomplete, "MemberPress listing\(Self.label(status)) has more than \(Self.maxPages) pages: stopped reading"))
        return read
    }

    /// Oldest first: new records are at the end. From the page `start` back until one starts before `since`;
    /// `beyond` (a hint from the last run, not the server's count): the pages after it too, to the end.
    private func readTail(from start: Int, first: ListingPage, status: String?, perPage: Int, since: Date,
                          beyond: Bool = false) async throws -> ListingRead {
        var read = ListingRead(records: [], lastPage: start)
        var byPage: [Int: ListingPage] = [1: first]
        var low = min(start, Self.maxPages)
        func startsBefore(_ p: ListingPage) -> Bool {
            p.records.first.flatMap(mapper.createdAt).map { $0 < since } ?? false
        }
        // The start page and its neighbour: the listing may have grown since it was counted.
        for (offset, p) in try await fetchListings(low...(low + 1), perPage: perPage, status: status).enumerated() {
            byPage[low + offset] = p
        }
        while low > 1 && !startsBefore(byPage[low]!) {
            let from = max(1, low - Self.pageWindow)
            let missing = (from..<low).filter { byPage[$0] == nil }
            if let lo = missing.first, let hi = missing.last {
                for (offset, p) in try await fetchListings(lo...hi, perPage: perPage, status: status).enumerated() { byPage[lo + offset] = p }
            }
            low = (from..<low).last(where: { startsBefore(byPage[$0]!) }) ?? from
        }
        var page = low
        var previous: ListingPage?
        while page <= Self.maxPages {
            if byPage[page] == nil {
                guard beyond || page <= start + 1 else { break }
                for (offset, p) in try await fetchListings(page...(page + Self.pageWindow - 1), perPage: perPage, status: status).enumerated() {
                    byPage[page + offset] = p
                }
            }
            let p = byPage.removeValue(forKey: page)!
            if let previous, let note = Self.shift(from: previous, to: p, order: .oldestFirst, page: page, status: status) {
                read.notes.append(note)
                return read
            }
            read.records += p.records
            read.lastPage = page
            if p.records.count < perPage { break }
            previous = p
            page += 1
        }
        return read
    }

    /// Every page from the first, until a short one: the order is unknown or there is no `since`.
    private func readForward(from first: ListingPage, status: String?, perPage: Int) async throws -> ListingRead {
        var read = ListingRead(records: first.records, lastPage: 1)
        var distinct = Set(first.ids.compactMap { $0 })
        var previous = first
        var page = 1
        while page < Self.maxPages {
            let window = (page + 1)...(page + Self.pageWindow)
            for (offset, p) in try await fetchListings(window, perPage: perPage, status: status).enumerated() {
                page = window.lowerBound + offset
                if let head = p.records.first, head == previous.records.first {
                    throw RemoteError.malformed("WordPress returned the same page twice: does \(config.transactionsEndpoint) honour `page`?")
                }
                read.records += p.records
                read.lastPage = page
                distinct.formUnion(p.ids.compactMap { $0 })
                if p.records.count < perPage {
                    // Records deleted or re-statused during the read shift the later pages back: fewer
                    // distinct records than the server counts means one may have been passed over.
                    if let total = p.total ?? first.total, distinct.count < total, p.ids.allSatisfy({ $0 != nil }) {
                        read.notes.append(SourceNote(.incomplete, "MemberPress listing\(Self.label(status)) counted \(total) records but "
                                                     + "\(distinct.count) were read: the listing changed while it was read"))
                    }
                    return read
                }
                previous = p
            }
        }
        read.notes.append(SourceNote(.incomplete, "MemberPress listing\(Self.label(status)) has more than \(Self.maxPages) pages: stopped reading"))
        return read
    }

    /// A note when the listing changed between two pages in a way that can pass a record over: fewer records
    /// counted than before (one deleted or re-statused: the later pages moved back by one), or ids that do
    /// not continue the order. An insertion only repeats a record, which is read twice and kept once.
    static func shift(from previous: ListingPage, to next: ListingPage, order: ListingOrder, page: Int, status: String?) -> SourceNote? {
        if let before = previous.total, let now = next.total, now < before {
            return SourceNote(.incomplete, "MemberPress listing\(label(status)) shrank from \(before) to \(now) records while page \(page) was read")
        }
        guard let last = previous.ids.last ?? nil, let head = next.ids.first ?? nil else { return nil }
        let continues = order == .newestFirst ? head <= last : head >= last
        return continues ? nil : SourceNote(.incomplete, "MemberPress listing\(label(status)) is out of order at page \(page) "
                                           + "(id \(head) after \(last)): the server does not keep one order")
    }

    static func label(_ status: String?) -> String { status.map { " (status \($0))" } ?? "" }

    private func fetchListing(_ page: Int, perPage: Int, status: String?) async throws -> ListingPage {
        try await fetchListings(page...page, perPage: perPage, status: status)[0]
    }

    /// Pages side by side; newest first is asked for, whether or not the server honours it.
    private func fetchListings(_ pages: ClosedRange<Int>, perPage: Int, status: String?) async throws -> [ListingPage] {
        try await withThrowingTaskGroup(of: (Int, ListingPage).self) { group in
            for page in pages {
                var query = [("page", String(page)), ("per_page", String(perPage)), ("order", "id"), ("order_dir", "DESC")]
                if let status { query.append(("status", status)) }
                let url = RemoteURL.withQuery(RemoteURL.join(config.baseUrl, config.transactionsEndpoint), query)
                group.addTask { (page, try await self.fetchPage(url)) }
            }
            var byPage: [Int: ListingPage] = [:]
            for try await (page, p) in group { byPage[page] = p }
            return pages.map { byPage[$0] ?? ListingPage(records: []) }
        }
    }

    /// Payments seen pending are watched; watched ones this read did not pass are re-read by id. A final
    /// status goes into the batch (`watched`) and stays in the file until acknowledged.
    private func watch(_ batch: inout TransactionBatch, pending: [Transaction], file: PendingWatchFile) async throws {
        var (entries, note) = file.load()
        if let note { batch.notes.append(note) }
        let now = Date()
        for t in batch.transactions + pending where t.status == .pending && now.timeIntervalSince(t.createdAt) <= file.maxAge {
            if entries[t.id] == nil { entries[t.id] = .init(createdAt: t.createdAt, settled: false) }
        }
        let read = Set((batch.transactions + pending).map(\.id))
        let missing = entries.keys.filter { !read.contains($0) }.sorted()
        var found: [Transaction] = []
        try await withThrowingTaskGroup(of: (String, TransactionLookup).self) { group in
            for id in missing { group.addTask { (id, try await self.transaction(id: id)) } }
            for try await (id, lookup) in group {
                switch lookup {
                case .found(let t): found.append(t)
                case .notFound:
                    entries[id] = nil
                    batch.notes.append(SourceNote(.watchExpired, "pending payment \(id) is no longer in MemberPress: no longer watched", transactionId: id))
                case .rejected(let reason):
                    batch.rejected.append(RejectedRecord(recordId: id, reason: reason))
                }
            }
        }
        batch.transactions += found.sorted { $0.id < $1.id }
        for t in batch.transactions {
            guard let entry = entries[t.id] else { continue }
            switch t.status {
            case .pending:
                if now.timeIntervalSince(entry.createdAt) > file.maxAge {
                    entries[t.id] = nil
                    batch.notes.append(SourceNote(.watchExpired, "payment \(t.id) still pending after \(Int(file.maxAge / 86_400)) days: "
                                                  + "no longer watched; it is applied if a later read sees it complete", transactionId: t.id))
                }
            case .failed:
                entries[t.id] = nil
            default:
                entries[t.id]?.settled = true
                batch.watched.insert(t.id)
            }
        }
        if let note = file.save(entries) { batch.notes.append(note) }
    }
}

extension WordPressClient {
    /// One small call that changes when a purchase is added: the newest id and the count
    /// (`page=1&per_page=1`, newest first asked for). nil for the since-endpoint style, or when the server
    /// shows neither an order nor a count (the interval's sync is then the only one).
    public func newestSignature() async throws -> String? {
        guard config.style == .memberpress else { return nil }
        var query = [("page", "1"), ("per_page", "1"), ("order", "id"), ("order_dir", "DESC")]
        if let status = config.statusFilter?.first(where: { TransactionStatus(rawValue: $0.lowercased())?.entitles ?? false }) {
            query.append(("status", status))
        }
        let page = try await fetchPage(RemoteURL.withQuery(RemoteURL.join(config.baseUrl, config.transactionsEndpoint), query))
        let id = page.records.first.flatMap(ListingPage.id)
        guard id != nil || page.total != nil else { return nil }
        return "\(id.map(String.init) ?? "-")/\(page.total.map(String.init) ?? "-")"
    }
}
