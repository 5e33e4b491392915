import Foundation

/// One user's access to one script. A grant whose expiration has passed is "lapsed": still listed
/// until removed or re-granted, but `add` treats it as no access.
struct Grant: Sendable {
    let id: Int
    let username: String
    let lowerName: String
    var expiration: Date?
    var created: Date

    func isActive(at now: Date) -> Bool { expiration.map { $0 > now } ?? true }
}

/// Access per script, plus who ever had it (201 for a first grant, 200 for a re-grant).
struct ScriptState: Sendable {
    let pineId: String
    let title: String
    var grants: [String: Grant] = [:]
    var everHad: Set<String> = []
}

/// The current session: the cookies that are valid and whether the fault switch expired them.
struct SessionState: Sendable {
    var sessionid: String
    var sessionidSign: String
    var expired = false
    /// Authenticated calls left before the session expires; nil = no countdown.
    var callsBeforeExpiry: Int?
    /// When the session expires on the sandbox's clock; nil = never.
    var expiresAt: Date?
}

/// Fault settings plus the deterministic draws and counters they run on.
struct FaultState: Sendable {
    var settings = Faults()
    var draws = SplitMix64(seed: 0)
    var faultedRequests = 0
    /// Draws for `drop_write_rate`, a stream of their own so the other faults' fates do not move.
    var dropDraws = SplitMix64(seed: FaultState.dropSalt)
    /// Grants and extensions that would have changed access since the faults were set.
    var changingWrites = 0

    static let dropSalt: UInt64 = 0xD20F_5EED
}

/// Everything the emulators share. All handlers are methods on this value, called under one lock.
struct World: Sendable {
    var accounts: AccountIndex
    var scripts: [String: ScriptState]
    var products: [Int: SeedProduct]
    /// WordPress transactions by id.
    var transactions: [SandboxTransaction]
    /// MemberPress member ids by lowercased email, assigned in transaction order.
    var memberIds: [String: Int] = [:]
    /// How the MemberPress listing orders and pages (newest first by default, as the add-on does).
    var memberPressListing = MemberPressListing()
    /// MemberPress listing requests answered, for `MemberPressListing.arriveEvery`.
    var listingRequests = 0
    var writes: [WriteRecord] = []
    /// Writes the `drop_write_*` faults answered as done and did not keep.
    var droppedWrites: [WriteRecord] = []
    var calls: [String: Int] = [:]
    var inFlight = 0
    var maxInFlight = 0
    var mail: [MailMessage] = []
    /// Bodies POSTed to `/__sandbox/sink` (an incoming-webhook stand-in for alerts), in order.
    var sink: [String] = []
    var faults = FaultState()
    var session: SessionState
    let memberpressKey: String
    let accessApiKey: String
    var nextGrantId = 1
    /// Sorted usernames per script and order, dropped on every write to that script.
    var listCache: [String: [ListOrder: [String]]] = [:]

    init(seed: SeedData, options: SandboxOptions) {
        accounts = AccountIndex(usernames: seed.accounts)
        scripts = Dictionary(uniqueKeysWithValues: seed.scripts.map {
            ($0.pineId, ScriptState(pineId: $0.pineId, title: $0.title))
        })
        products = Dictionary(uniqueKeysWithValues: seed.products.map { ($0.id, $0) })
        transactions = seed.transactions.sorted { $0.id < $1.id }
        session = SessionState(sessionid: options.sessionid, sessionidSign: options.sessionidSign)
        memberpressKey = options.memberpressKey
        accessApiKey = options.accessApiKey
        for transaction in transactions { assignMemberId(transaction.email) }
        for grant in seed.grants {
            guard let account = accounts.exact(grant.username), scripts[grant.pineId] != nil else { continue }
            scripts[grant.pineId]?.grants[account.username] = Grant(
                id: nextGrantId, username: account.username, lowerName: account.username.lowercased(),
                expiration: grant.expiration, created: grant.created)
            scripts[grant.pineId]?.everHad.insert(account.username)
            nextGrantId += 1
        }
    }

    // MARK: Writes shared by direct mode and the access API

    enum GrantOutcome { case created, regranted, exists }

    /// `add`: a new grant (201), a re-grant after removal or lapse (200), or "exists" (no change).
    mutating func add(pineId: String, username: String, expiration: Date?, via: String, now: Date) -> GrantOutcome {
        if let current = scripts[pineId]?.grants[username], current.isActive(at: now) { return .exists }
        let first = !(scripts[pineId]?.everHad.contains(username) ?? false)
        if dropsWrite("add", pineId: pineId, username: username, expiration: expiration,
                      status: first ? 201 : 200, via: via) {
            return first ? .created : .regranted
        }
        scripts[pineId]?.grants[username] = Grant(id: nextGrantId, username: username,
                                                  lowerName: username.lowercased(),
                                                  expiration: expiration, created: now)
        scripts[pineId]?.everHad.insert(username)
        nextGrantId += 1
        let outcome: GrantOutcome = first ? .created : .regranted
        record("add", pineId: pineId, username: username, expiration: expiration,
               status: first ? 201 : 200, via: via)
        return outcome
    }

    /// Sets the expiration of existing access (nil = lifetime); false when the user has no access.
    mutating func modify(pineId: String, username: String, expiration: Date?, via: String) -> Bool {
        guard let current = scripts[pineId]?.grants[username] else { return false }
        if current.expiration != expiration {
            if dropsWrite("modify", pineId: pineId, username: username, expiration: expiration, status: 200, via: via) {
                return true
            }
            scripts[pineId]?.grants[username]?.expiration = expiration
            record("modify", pineId: pineId, username: username, expiration: expiration, status: 200, via: via)
        }
        return true
    }

    mutating func remove(pineId: String, username: String, via: String) {
        guard scripts[pineId]?.grants.removeValue(forKey: username) != nil else { return }
        record("remove", pineId: pineId, username: username, expiration: nil, status: 200, via: via)
    }

    /// The `drop_write_*` faults: true (and logged in `droppedWrites`) when this grant or extension is
    /// to be answered as done without changing anything.
    private mutating func dropsWrite(_ op: String, pineId: String, username: String, expiration: Date?,
                                     status: Int, via: String) -> Bool {
        let settings = faults.settings
        guard settings.dropWriteEvery != nil || settings.dropWriteRate != nil else { return false }
        faults.changingWrites += 1
        let draw = faults.dropDraws.unit()
        var drop = false
        if let every = settings.dropWriteEvery, every > 0, faults.changingWrites % every == 0 { drop = true }
        if draw < (settings.dropWriteRate ?? 0) { drop = true }
        guard drop else { return false }
        droppedWrites.append(WriteRecord(seq: droppedWrites.count + 1, op: op, pineId: pineId, username: username,
                                         expiration: expiration, status: status, via: via))
        return true
    }

    private mutating func record(_ op: String, pineId: String, username: String, expiration: Date?,
                                 status: Int, via: String) {
        listCache[pineId] = nil
        writes.append(WriteRecord(seq: writes.count + 1, op: op, pineId: pineId, username: username,
                                  expiration: expiration, status: status, via: via))
    }

    // MARK: Accounting

    mutating func countCall(_ path: String) {
        calls[path, default: 0] += 1
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
    }

    mutating func callAnswered() { inFlight -= 1 }

    func snapshot() -> SandboxState {
        var access: [String: [AccessEntry]] = [:]
        for (pineId, script) in scripts {
            access[pineId] = script.grants.values
                .sorted { $0.username < $1.username }
                .map { AccessEntry(username: $0.username, expiration: $0.expiration) }
        }
        // The growing logs in storage of their own (`map`): a test reads its snapshot while the next request
        // appends to the world's, which the thread sanitizer would otherwise see as a race on shared
        // copy-on-write storage (scripts/tsan-cow-repro.swift).
        return SandboxState(access: access, writes: writes.map { $0 }, calls: calls.mapValues { $0 }, mail: mail.map { $0 },
                            accounts: accounts.names,
                            faults: faults.settings, sessionExpired: sessionIsExpired(at: Date()),
                            droppedWrites: droppedWrites.map { $0 },
                            transactionCount: transactions.count, maxInFlight: maxInFlight)
    }
}
