import Foundation

/// What one `batch-grant` invocation asked for: the checked inputs and how much to do.
public struct BatchGrantRequest: Sendable, Hashable {
    public var transactions: [Transaction]
    public var sheet: AccessSheet
    public var csvPath: String
    public var batchSize: Int
    /// nil: every pending batch.
    public var maxBatches: Int?
    public var dryRun: Bool

    public init(transactions: [Transaction], sheet: AccessSheet, csvPath: String, batchSize: Int = 500,
                maxBatches: Int? = nil, dryRun: Bool = false) {
        self.transactions = transactions; self.sheet = sheet; self.csvPath = csvPath
        self.batchSize = batchSize; self.maxBatches = maxBatches; self.dryRun = dryRun
    }
}

/// What one `batch-grant` invocation did (or, in a dry run, would do).
public struct BatchGrantReport: Sendable, Codable, Equatable {
    public var dryRun: Bool
    /// Records in the dump.
    public var transactions = 0
    /// Already handled before this invocation (by an earlier batch-grant or by sync).
    public var alreadyDone = 0
    /// Unmapped products and payments that do not entitle (pending, failed).
    public var skipped = 0
    public var batches = 0
    /// Transactions still pending after this invocation: run it again to go on.
    public var remaining = 0
    /// Rows added to the sheet, and rows whose expiration changed.
    public var appended: [SheetReconciler.Change] = []
    public var updated: [SheetReconciler.Change] = []
    /// The engine's runs added up.
    public var summary: SyncSummary

    public init(dryRun: Bool) {
        self.dryRun = dryRun
        summary = SyncSummary(dryRun: dryRun)
    }

    public var sentence: String {
        // A dry run says so first, as every command's outcome does.
        return (dryRun ? "dry run, nothing sent or written: " : "")
            + "batch-grant: \(batches) batch\(batches == 1 ? "" : "es"), \(dryRun ? "would be " : "")"
            + "\(summary.granted) granted, \(summary.extended) extended, \(summary.review) to review, \(summary.retry) to retry; "
            + "CSV \(appended.count) appended, \(updated.count) expirations updated; "
            + "\(alreadyDone) already done, \(skipped) skipped, \(remaining) still pending"
    }
}
