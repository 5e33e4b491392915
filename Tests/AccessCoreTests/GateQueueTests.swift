import Foundation
import Testing
@testable import AccessCore

@Suite struct GateQueueTests {
    @Test func gateQueueServesChainPagesFirstEachKindInArrivalOrder() {
        var queue = GateQueue<String>()
        queue.append("write 1", .normal)
        queue.append("page a1", .chain)
        queue.append("write 2", .normal)
        queue.append("page b1", .chain)
        #expect(queue.count == 4)
        var order: [String] = []
        while let next = queue.next() { order.append(next) }
        #expect(order == ["page a1", "page b1", "write 1", "write 2"])
        #expect(queue.isEmpty)
    }

    /// The real gate hands a freed slot to a waiting list page before a write that waited longer.
    @Test func theGateLetsAWaitingListPageInBeforeAnEarlierWrite() async throws {
        let gate = RequestGate(concurrency: 1, perMinute: nil, timing: .live)
        try await gate.acquire()
        let order = Arrivals()
        let write = Task {
            try await gate.acquire(.normal)
            await order.add("write")
            await gate.release()
        }
        while await gate.waiting < 1 { await Task.yield() }
        let page = Task {
            try await gate.acquire(.chain)
            await order.add("page")
            await gate.release()
        }
        while await gate.waiting < 2 { await Task.yield() }
        await gate.release()
        try await write.value
        try await page.value
        #expect(await order.names == ["page", "write"])
    }
}

/// Who got through the gate, in order.
private actor Arrivals {
    var names: [String] = []
    func add(_ name: String) { names.append(name) }
}
