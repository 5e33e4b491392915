import AccessCore
import ArgumentParser
import Foundation

struct BatchGrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch-grant",
        abstract: "Apply a JSON dump of past transactions in batches and keep the access CSV in step (resumable).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "JSON array of transaction records, in the shape config.json's wordpress section reads.") var transactions: String
    @Option(help: "The access sheet: RFC 4180 CSV with script_id, username, expiration columns.") var csv: String
    @Option(help: "Transactions per batch.") var batchSize = 500
    @Option(help: "Stop after this many batches (the next invocation goes on).") var maxBatches: Int?
    @Flag(help: "Send and write nothing; print what would be done.") var dryRun = false
    @Flag(help: "Print one report object instead of the event stream.") var json = false

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1") }
        if let m = maxBatches, m < 1 { throw ValidationError("--max-batches must be at least 1") }
    }

    func run() async throws {
        let runtime = try openRuntime(global, echoEvents: !json)
        ProgressDisplay.attach(runtime.events, json: json)
        let request: BatchGrantRequest
        do {
            request = try BatchGrantRequest.load(transactionsPath: transactions, csvPath: csv, wordpress: runtime.config.wordpress,
                                                 batchSize: batchSize, maxBatches: maxBatches,
                                                 dryRun: dryRun)
        } catch let error as InputFileError {
            printError(error.description)
            throw CommandExit(status: .badInput)
        }
        let batch = runtime.actions.acting(as: ActorName.batch())
        let outcome = await batch.perform(.batchGrant(request))
        guard var report = outcome.batch else { try finish(outcome); return }
        report.summary.callsByEndpoint = runtime.callCounts()
        if json {
            printJSON(report)
        } else {
            let verb = report.dryRun ? "would append" : "appended"
            for c in report.appended { print("csv \(verb)\t\(c.scriptId)\t\(c.username)\t\(c.expiration.isEmpty ? "lifetime" : c.expiration)") }
            for c in report.updated { print("csv expiration\t\(c.scriptId)\t\(c.username)\t\(c.expiration.isEmpty ? "lifetime" : c.expiration)") }
            print(report.sentence)
        }
        try finish(outcome)
    }
}
