import AccessCore
import AccessSandbox
import Foundation

extension Bench {
    /// batch-grant at config.json's TradingView rate limit: wall time against the ideal (calls / rate).
    func batchRows(into table: inout BenchTable) async throws {
        let sandbox = try await BenchSandbox.start(users: 300, transactions: 120)
        defer { sandbox.stop() }
        let dir = try DemoWorkspace.temporaryDirectory(prefix: "access-console-batch-bench")
        defer { try? FileManager.default.removeItem(at: dir) }
        // At config.json's own rate limit: this row compares the wall time with it.
        let path = try sandbox.workspace(config: config, in: dir, unlimited: false)
        let runtime = try AppRuntime.open(configPath: path, environment: [:])
        let rate = runtime.config.tradingview.rateLimitPerMinute ?? TradingViewClientFactory.defaultPerMinute

        let dump = dir.appendingPathComponent("transactions.json"), csv = dir.appendingPathComponent("users.csv")
        let response = try await CurlTransport().send(HTTPRequest(
            url: sandbox.baseURL + "/wp-json/mp/v1/transactions?page=1&per_page=100000",
            headers: [(name: "MEMBERPRESS-API-KEY", value: SandboxOptions.defaultMemberpressKey)]))
        try response.body.write(to: dump)
        try Data("script_id,username,expiration\r\n".utf8).write(to: csv)
        let request = try BatchGrantRequest.load(transactionsPath: dump.path, csvPath: csv.path,
                                                 wordpress: runtime.config.wordpress, batchSize: 50)

        let before = try await sandbox.snapshot().calls
        let start = ContinuousClock.now
        let outcome = await runtime.actions.perform(.batchGrant(request))
        guard let report = outcome.batch else { throw BenchError("batch-grant: \(outcome.message)") }
        let wall = (ContinuousClock.now - start).seconds
        let calls = CallDelta(before: before, after: try await sandbox.snapshot().calls).tradingView
        let ideal = Double(calls) / (Double(rate) / 60)
        table.add("batch-grant: \(report.transactions) transactions in \(report.batches) batches of 50",
                  "\(report.summary.granted) granted, \(report.summary.extended) extended, \(report.appended.count) rows appended", "", nil)
        table.add("batch-grant at \(rate)/min: wall vs TradingView calls / rate",
                  String(format: "%.2fs vs %.2fs = %.2fx (%d calls, %.1f calls/s)", wall, ideal, wall / max(ideal, 0.001), calls,
                         Double(calls) / max(wall, 0.001)),
                  "(reported)", nil)
    }
}
