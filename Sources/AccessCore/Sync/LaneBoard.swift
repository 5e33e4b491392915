import Foundation

/// When each script's part of a pass may start. A script whose TradingView list is read (or that needs
/// none) is planned and written while other scripts' list chains continue: a script's plan rests on its
/// own master data and the purchases alone. The one thing it takes from other scripts is which names are
/// known good, so a write whose name is not known yet waits: a list still loading may hold the name, and
/// validating it early would spend a call the list makes unnecessary. It goes as soon as a page shows
/// the name, or, once every list is read, to validation.
/// Pure bookkeeping: the engine reports what arrived and does what it is told.
struct LaneBoard: Sendable {
    /// Scripts whose list is still being read.
    private(set) var listing: Set<String>
    /// Scripts ready to plan (listed, settled and bootstrapped, or needing no list), in the order they
    /// became ready, until the purchases are there.
    private var waiting: [String] = []
    private var haveTransactions: Bool
    /// `Username.key` -> TradingView's spelling, from the master data of every ready script.
    private(set) var knownNames: [String: String] = [:]
    /// Writes whose name a list still loading may hold.
    private var held: [PlannedWrite] = []

    init(listing: some Sequence<String>, haveTransactions: Bool) {
        self.listing = Set(listing)
        self.haveTransactions = haveTransactions
    }

    var listsDone: Bool { listing.isEmpty }

    /// The script's master data is ready to plan from (its list read, settled and bootstrapped, or no
    /// list needed); its users are known good names from now on.
    mutating func ready(_ scriptId: String, users: [String: UserAccess]) {
        listing.remove(scriptId)
        for (key, user) in users { knownNames[key] = user.username }
        waiting.append(scriptId)
    }

    /// Users on a page of a list still loading: TradingView accounts, in TradingView's spelling. They
    /// are known good for every other script's writes at once; the script itself waits for its whole list.
    mutating func revealed(_ users: [RemoteAccess]) {
        for u in users { knownNames[Username.key(u.username)] = u.username }
    }

    /// The script sits this pass out (its list or its master data failed): nothing waits for its list.
    mutating func dropped(_ scriptId: String) {
        listing.remove(scriptId)
    }

    mutating func transactionsArrived() { haveTransactions = true }

    /// The scripts to plan now, in the order they became ready; each is handed out once.
    mutating func takePlannable() -> [String] {
        guard haveTransactions else { return [] }
        defer { waiting = [] }
        return waiting
    }

    /// Of a new plan's writes, those that may start now, with any name the ready scripts know filled in;
    /// the others are held until a list shows their name, or every list is read.
    mutating func admit(_ writes: [PlannedWrite]) -> [PlannedWrite] {
        var now: [PlannedWrite] = []
        for w in writes.map(resolved) {
            if w.needsValidation && !listsDone { held.append(w) } else { now.append(w) }
        }
        return now
    }

    /// The held writes that may go now, in the order they were held: those whose name a list has shown
    /// since, with its spelling; once every list is read, all the rest too, to be validated.
    mutating func release() -> [PlannedWrite] {
        guard !held.isEmpty else { return [] }
        let candidates = held.map(resolved)
        if listsDone { held = []; return candidates }
        held = candidates.filter(\.needsValidation)
        return candidates.filter { !$0.needsValidation }
    }

    /// The planner's rule for a name: master data's spelling, else a known good one, else validate.
    private func resolved(_ w: PlannedWrite) -> PlannedWrite {
        guard w.needsValidation, let canonical = knownNames[w.key] else { return w }
        var w = w
        w.username = canonical
        w.needsValidation = false
        return w
    }
}
