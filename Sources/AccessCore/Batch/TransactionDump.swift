import Foundation

/// A vendor's JSON dump of past transactions: an array of records in the shape config.json's
/// `wordpress` section reads, mapped by the same `TransactionRecordMapper` as a sync.
public enum TransactionDump {
    /// Every record mapped; the first that cannot be read or mapped throws `InputFileError`.
    public static func parse(_ data: Data, file: String, mapper: TransactionRecordMapper) throws -> [Transaction] {
        let value: JSONValue
        do { value = try JSONValue.parse(data) } catch let e as JSONReadError {
            let (line, column) = position(of: e.offset, in: data)
            throw InputFileError(file: file, row: line, column: column, "not JSON: \(e.message)")
        }
        guard case .array(let records) = value else {
            throw InputFileError(file: file, row: 1, column: 1, "expected an array of transaction records")
        }
        var out: [Transaction] = []
        out.reserveCapacity(records.count)
        for (i, record) in records.enumerated() {
            switch mapper.map(record) {
            case .transaction(let t): out.append(t)
            case .rejected(let r):
                throw InputFileError(file: file, "record \(i + 1)\(r.recordId.map { " (id \($0))" } ?? ""): \(r.reason)")
            }
        }
        return out
    }

    /// 1-based line and column of a byte offset.
    static func position(of offset: Int, in data: Data) -> (Int, Int) {
        let before = data.prefix(max(0, min(offset, data.count)))
        let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let column = before.count - (before.lastIndex(of: 0x0A).map { $0 - before.startIndex + 1 } ?? 0) + 1
        return (line, column)
    }
}
