import Foundation

extension BatchGrantRequest {
    /// Reads and checks both files before anything is sent or written; throws `InputFileError`.
    public static func load(transactionsPath: String, csvPath: String, wordpress: WordPressConfig,
                            batchSize: Int = 500, maxBatches: Int? = nil, dryRun: Bool = false) throws -> BatchGrantRequest {
        func read(_ path: String) throws -> Data {
            do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw InputFileError(file: path, "cannot read: \((error as NSError).localizedDescription)")
            }
        }
        let mapper = TransactionRecordMapper(style: wordpress.style, usernameField: wordpress.usernameField,
                                             productField: wordpress.productField)
        let transactions = try TransactionDump.parse(try read(transactionsPath), file: transactionsPath, mapper: mapper)
        let sheet = try AccessSheet.parse(try read(csvPath), file: csvPath)
        return BatchGrantRequest(transactions: transactions, sheet: sheet, csvPath: csvPath, batchSize: batchSize,
                                 maxBatches: maxBatches, dryRun: dryRun)
    }
}
