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
}
