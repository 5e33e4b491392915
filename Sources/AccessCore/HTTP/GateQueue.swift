import Foundation

/// How urgent a request is when callers wait for a slot of the shared gate.
public enum RequestPriority: Sendable, Hashable {
    case normal
    /// A page of a paged read: each page's address comes with the one before, so one script's list is a
    /// chain no concurrency can shorten. Its pages go before writes, or the longest chain (a first run's
    /// critical path) waits behind work that could have run in any slot.
    case chain
}

/// The callers waiting for a slot, in the order they get one: chain pages first, each kind in order of
/// arrival. Pure; `RequestGate` holds one.
struct GateQueue<Waiter> {
    private var chain: [Waiter] = []
    private var normal: [Waiter] = []

    var isEmpty: Bool { chain.isEmpty && normal.isEmpty }
    var count: Int { chain.count + normal.count }

    mutating func append(_ waiter: Waiter, _ priority: RequestPriority) {
        switch priority {
        case .chain: chain.append(waiter)
        case .normal: normal.append(waiter)
        }
    }

    /// The waiter that gets the next free slot. The queues stay short (a few callers per slot), so
    /// removing from the front is cheap.
    mutating func next() -> Waiter? {
        if !chain.isEmpty { return chain.removeFirst() }
        if !normal.isEmpty { return normal.removeFirst() }
        return nil
    }
}
