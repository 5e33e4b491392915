import Foundation

/// The two expiries a support answer needs side by side: what TradingView holds now (as this tool last
/// saw it) and what the customer's purchases entitle. When they differ the story says so.
extension UserStory {
    /// TradingView's access for the user, as last seen: from its list (first run, resync), a read-back,
    /// or the answer to our own write.
    public struct Seen: Codable, Sendable, Equatable {
        /// A day, "lifetime", "none", or "unknown" (a read-back did not find the last write).
        public var expiry: String
        public var at: Date
        /// Where it was seen: "list", "write answered ok", "read-back".
        public var source: String

        public init(expiry: String, at: Date, source: String) { self.expiry = expiry; self.at = at; self.source = source }
    }

    /// What the purchases entitle, each counted from its own date (`Entitlement.entitled`).
    public struct Entitled: Codable, Sendable, Equatable {
        /// A day, "lifetime", "none" (nothing bought, or it ended: `endedOn`), or nil when MemberPress
        /// could not be read (`unread` says why).
        public var expiry: String?
        /// The day the entitlement ended, when it did.
        public var endedOn: String?
        /// Purchases counted (paid ones of a product that grants this script).
        public var purchases: Int
        /// Purchase ids that could not be read, each with why; the expiry leaves them out.
        public var unread: [String]

        public init(expiry: String?, endedOn: String? = nil, purchases: Int, unread: [String] = []) {
            self.expiry = expiry; self.endedOn = endedOn; self.purchases = purchases; self.unread = unread
        }
    }

    /// History actions that show TradingView's state: list reads, and writes TradingView answered ok.
    static let listed: Set<String> = ["bootstrap", "resync-adopt"]
    static let written: Set<String> = ["grant", "extend", "revoke", "resync-grant", "resync-update", "readback-repair",
                                       "settle-grant", "settle-extend", "settle-revoke"]

    /// The last state of TradingView the files show for `user`: their newest list read or acknowledged
    /// write, overtaken by a later read-back of theirs (found again: "read-back"; still missing: "unknown").
    public static func seen(_ user: UserAccess?, events: [AccessEvent]) -> Seen? {
        guard let user else { return nil }
        var seen: Seen?
        for h in user.history where h.result == "ok" {
            let isList = listed.contains(h.action)
            guard isList || written.contains(h.action) else { continue }
            let expiry = h.action.hasSuffix("revoke") ? "none" : h.expiry.map(day) ?? "lifetime"
            seen = Seen(expiry: expiry, at: h.at, source: isList ? "list" : "write answered ok")
        }
        let key = Username.key(user.username)
        for e in events where e.user.map({ Username.key($0) == key }) ?? false {
            guard let last = seen, e.time >= last.at else { continue }
            switch e.kind {
            case .readbackRepaired: seen = Seen(expiry: last.expiry, at: e.time, source: "read-back")
            case .readbackMissing: seen = Seen(expiry: "unknown", at: e.time, source: "read-back: not on the list")
            default: break
            }
        }
        return seen
    }

    /// What `purchases` (as MemberPress holds them) entitle on `scriptId` under `products`.
    public static func entitled(_ purchases: [Transaction], scriptId: String, products: [String: ProductConfig],
                                unread: [String] = [], now: Date) -> Entitled {
        let counted: [EntitledPurchase] = purchases.filter(\.status.entitles).flatMap { tx in
            (products[tx.productId]?.scripts ?? []).filter { $0.scriptId == scriptId }.compactMap { e -> EntitledPurchase? in
                if e.term == .purchase && tx.purchaseEnd == nil { return nil }
                return EntitledPurchase(transactionId: tx.id, createdAt: tx.createdAt, term: e.term, stacking: e.stacking,
                                        end: tx.purchaseEnd)
            }
        }
        let state = Entitlement.entitled(by: counted)
        var result = Entitled(expiry: label(state), endedOn: nil, purchases: counted.count, unread: unread)
        if case .until(let d) = state, d <= now { result.expiry = "none"; result.endedOn = day(d) }
        return result
    }

    /// True when TradingView's last seen state and the entitlement differ (an ended entitlement and no
    /// access agree; a day's difference counts only past `Entitlement.excessTolerance` on the long side).
    public var expiriesDiffer: Bool {
        guard let seen = tradingView, let wanted = entitled?.expiry else { return false }
        if seen.expiry == "unknown" { return true }
        guard let held = Self.state(seen.expiry), let ent = Self.state(wanted) else { return seen.expiry != wanted }
        return !Entitlement.covers(held, ent) || Entitlement.exceeds(held, ent)
    }

    /// One line for people: both expiries, and the flag when they differ.
    public var expiriesText: [String] {
        var out: [String] = []
        if let s = tradingView {
            out.append("TradingView holds: \(s.expiry) (\(s.source), seen \(ISODate.format(s.at)))")
        } else {
            out.append("TradingView holds: not seen (no list read or write of this user)")
        }
        if let e = entitled {
            let counted = "\(e.purchases) purchase\(e.purchases == 1 ? "" : "s")" + (e.unread.isEmpty ? "" : ", \(e.unread.count) unread")
            out.append("purchases entitle: " + (e.expiry ?? "unknown") + (e.endedOn.map { " (ended \($0))" } ?? "") + " (\(counted))")
        } else {
            out.append("purchases entitle: not read")
        }
        if expiriesDiffer { out.append("DIFFERS: TradingView does not hold what the purchases entitle") }
        return out
    }

    static func label(_ state: AccessState) -> String {
        switch state {
        case .none: return "none"
        case .lifetime: return "lifetime"
        case .until(let d): return day(d)
        }
    }

    /// Back from a label (a day means its end, as expiries are whole days in the story).
    static func state(_ label: String) -> AccessState? {
        switch label {
        case "none": return AccessState.none
        case "lifetime": return .lifetime
        default:
            return ISODate.parse(label + "T00:00:00Z").map { .until($0) }
        }
    }
}
