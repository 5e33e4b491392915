import Foundation

/// One row per measurement: what, measured, goal, and whether the goal is met (nil: informational).
public struct BenchTable: Sendable {
    var rows: [(String, String, String, Bool?)] = []
    /// Rows whose goal was missed.
    public var failures: Int { rows.filter { $0.3 == false }.count }
    /// Every judged goal met.
    public var allMet: Bool { failures == 0 }

    mutating func add(_ what: String, _ value: String, _ goal: String, _ ok: Bool?) { rows.append((what, value, goal, ok)) }

    public func render() -> String {
        let header = ("measurement", "value", "goal", "ok")
        let w0 = max(header.0.count, rows.map(\.0.count).max() ?? 0)
        let w1 = max(header.1.count, rows.map(\.1.count).max() ?? 0)
        let w2 = max(header.2.count, rows.map(\.2.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        var out = "| \(pad(header.0, w0)) | \(pad(header.1, w1)) | \(pad(header.2, w2)) | ok   |\n"
        out += "|\(String(repeating: "-", count: w0 + 2))|\(String(repeating: "-", count: w1 + 2))|\(String(repeating: "-", count: w2 + 2))|------|\n"
        for r in rows {
            let ok = r.3.map { $0 ? "yes" : "NO" } ?? ""
            out += "| \(pad(r.0, w0)) | \(pad(r.1, w1)) | \(pad(r.2, w2)) | \(pad(ok, 4)) |\n"
        }
        return out
    }
}
