import Foundation
import Testing
@testable import AccessCore
import AccessSandbox

/// The dump and sheet files of one test, in the rig's data folder.
struct BatchFiles {
    let dump: String, csv: String
    let original: Data

    /// The sandbox's own MemberPress records as the dump; a sheet of `rows` of the seed's Alpha users with
    /// the vendor's own columns around the three that matter.
    static func make(_ rig: TestRig, rows: Int) async throws -> BatchFiles {
        let response = try await CurlTransport().send(HTTPRequest(
            url: rig.sandbox.baseURL + "/wp-json/mp/v1/transactions?page=1&per_page=100000",
            headers: [(name: "MEMBERPRESS-API-KEY", value: SandboxOptions.defaultMemberpressKey)]))
        try #require(response.status == 200)
        let dump = rig.dataDir.appendingPathComponent("transactions.json").path
        try response.body.write(to: URL(fileURLWithPath: dump))

        let alpha = (rig.remoteAccess()[TestRig.alpha] ?? [:]).sorted { $0.key < $1.key }.prefix(rows)
        var text = "note,username,email,script_id,expiration,tier\r\n"
        for (i, (name, expiry)) in alpha.enumerated() {
            let note = i % 7 == 0 ? "\"VIP, \"\"gold\"\"\"" : (i % 11 == 0 ? "=SUM(A1)" : "row \(i)")
            text += "\(note),\(name),\(name.lowercased())@example.com,\(TestRig.alpha),\(AccessSheet.format(expiry)),t\(i % 3)\r\n"
        }
        let csv = rig.dataDir.appendingPathComponent("users.csv").path
        let original = Data(text.utf8)
        try original.write(to: URL(fileURLWithPath: csv))
        return BatchFiles(dump: dump, csv: csv, original: original)
    }

    func request(_ rig: TestRig, maxBatches: Int? = nil, dryRun: Bool = false) throws -> BatchGrantRequest {
        try BatchGrantRequest.load(transactionsPath: dump, csvPath: csv, wordpress: rig.config.wordpress,
                                   batchSize: 500, maxBatches: maxBatches, dryRun: dryRun)
    }

    func sheet() throws -> AccessSheet { try AccessSheet.parse(Data(contentsOf: URL(fileURLWithPath: csv)), file: csv) }
}

@Suite("BatchGrant: a vendor's dump and sheet through the sync engine against the sandbox")
struct BatchGrantTests {
    static let generated = Seed.generated(users: 800, transactions: 2000, seed: 42)

    /// (script, TradingView spelling) pairs an applied transaction of the seed touches.
    func touched(_ txs: [SandboxTransaction], _ rig: TestRig) -> Set<String> {
        let canonical = Dictionary(rig.sandbox.snapshot().accounts.map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        var out: Set<String> = []
        for tx in txs where tx.status == "complete" || tx.status == "confirmed" {
            guard let name = Entitlement.normalize(tx.tradingviewUsername).flatMap({ canonical[$0.lowercased()] }) else { continue }
            for s in rig.config.products[String(tx.productId)]?.scripts ?? [] { out.insert("\(s.scriptId)|\(name)") }
        }
        return out
    }

    @Test("2000 transactions, 500-row sheet, one batch per invocation: entitled end state, each new user appended once, the sheet's cells kept, sync after it writes nothing")
    func wholeDumpInBatches() async throws {
        try await withRig(seed: Self.generated) { rig in
            let expected = try await rig.entitlement(fromRun: true)
            let files = try await BatchFiles.make(rig, rows: 500)
            let before = try files.sheet()

            var reports: [BatchGrantReport] = []
            repeat {
                reports.append(try await rig.actions.batchGrant(try files.request(rig, maxBatches: 1)))
                // The first invocation "killed" after its commits but before its sheet write: the next one catches up.
                if reports.count == 1 { try files.original.write(to: URL(fileURLWithPath: files.csv)) }
            } while reports.last!.remaining > 0 && reports.count < 10
            let first = reports[0]
            #expect(first.batches == 1 && first.alreadyDone == 0 && first.transactions == 2000)
            #expect(reports.count == 4, "2000 transactions, one batch of 500 per invocation: \(reports.map(\.remaining))")
            #expect(reports.last!.remaining == 0)
            #expect(reports.allSatisfy { !$0.summary.stale })

            let diff = accessDiff(rig.remoteAccess(), expected.access)
            #expect(diff.isEmpty, "\(diff.prefix(20).joined(separator: "\n"))")

            let after = try files.sheet()
            #expect(after.header == before.header && after.lineEnding == "\r\n")
            for (i, row) in before.rows.enumerated() {
                for c in row.indices where c != before.expiryColumn {
                    #expect(after.rows[i][c] == row[c], "row \(i + 2) column \(c + 1) changed")
                }
            }
            var keys: [String: Int] = [:]
            for row in after.rows { keys[AccessSheet.key(script: row[after.scriptColumn], user: row[after.userColumn]), default: 0] += 1 }
            #expect(keys.values.allSatisfy { $0 == 1 }, "a user appears twice: \(keys.filter { $0.value > 1 }.keys.prefix(5))")
            let touched = touched(try await rig.sandboxTransactions(), rig)
            let remote = rig.remoteAccess()
            for pair in touched {
                let parts = pair.split(separator: "|").map(String.init)
                let row = try #require(after.index()[AccessSheet.key(script: parts[0], user: parts[1])], "no row for \(pair)")
                #expect(after.expiry(ofRow: row) == remote[parts[0]]?[parts[1]] ?? nil, "expiry of \(pair)")
            }
            // The first invocation's rows were lost with the sheet reset; the second appended them again.
            #expect(reports[1].appended.count > reports[0].appended.count && !reports[0].appended.isEmpty)
            let appended = reports.dropFirst().flatMap(\.appended).count
            #expect(after.rows.count == before.rows.count + appended, "\(after.rows.count) rows, \(before.rows.count) + \(appended)")

            // Names TradingView does not know: to review, with the usual mail.
            #expect(!expected.invalid.isEmpty)
            for (id, scripts) in expected.invalid {
                for sid in scripts { #expect(try rig.masterData(sid).reviewQueue["\(id)"]?.reason == .invalidUsername, "transaction \(id)") }
            }
            #expect(!rig.sandbox.snapshot().mail.isEmpty)

            // One processed set: a sync of the same WordPress transactions applies none of them again.
            let writes = rig.writeCalls(), mail = rig.sandbox.snapshot().mail.count
            let sync = try await rig.actions.sync()
            #expect(rig.writeCalls() == writes && sync.granted + sync.extended == 0, "\(sync)")
            #expect(rig.sandbox.snapshot().mail.count == mail)
            // And batch-grant again: nothing pending, nothing written.
            let again = try await rig.actions.batchGrant(try files.request(rig))
            #expect(again.batches == 0 && again.appended.isEmpty && again.updated.isEmpty && rig.writeCalls() == writes)
        }
    }

    @Test("dry run: nothing sent, mailed, recorded or written to the sheet; the report says what would happen")
    func dryRun() async throws {
        try await withRig(seed: .generated(users: 200, transactions: 300, seed: 9)) { rig in
            let files = try await BatchFiles.make(rig, rows: 50)
            let report = try await rig.actions.batchGrant(try files.request(rig, dryRun: true))
            #expect(report.dryRun && report.batches == 1 && report.summary.granted > 0 && !report.appended.isEmpty)
            #expect(rig.sandbox.snapshot().writes.isEmpty && rig.sandbox.snapshot().mail.isEmpty)
            #expect(try Data(contentsOf: URL(fileURLWithPath: files.csv)) == files.original)
            for id in rig.scriptIds { #expect(try rig.masterData(id).processedTransactions.isEmpty) }
        }
    }
}
