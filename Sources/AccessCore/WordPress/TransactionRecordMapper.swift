import Foundation

/// One record's fate: a transaction, or a rejection with its reason.
public enum MappedRecord: Sendable, Hashable {
    case transaction(Transaction)
    case rejected(RejectedRecord)

    public var transaction: Transaction? { if case .transaction(let t) = self { return t }; return nil }
    public var rejection: RejectedRecord? { if case .rejected(let r) = self { return r }; return nil }
}

/// Turns one WordPress record (either endpoint style) into a Transaction, or says why it cannot.
/// Text from the record is capped: a 10 MB "username" must not travel into master data, the screen
/// and a customer email. Ids too long to be real reject the record; a name too long to be a
/// TradingView name is cut (still too long, so it goes to review with that reason).
public struct TransactionRecordMapper: Sendable {
    /// Longest id or product id accepted.
    public static let maxIdLength = 128
    /// Names are cut to this many characters plus "…": longer than any valid name, short enough to show.
    public static let maxNameLength = 80
    /// An email address is at most 254 characters (RFC 5321); longer ones are dropped (no email is sent).
    public static let maxEmailLength = 254

    static func cut(_ text: String?) -> String? {
        guard let text, text.utf8.count > maxNameLength else { return text }
        return String(text.prefix(maxNameLength)) + "…"
    }

    public var usernameField: String
    public var productField: String
    public var emailField: String
    public var wpUsernameField: String

    public init(style: WordPressConfig.Style, usernameField: String, productField: String?) {
        self.usernameField = usernameField
        switch style {
        case .memberpress:
            self.productField = productField ?? "membership.id"
            emailField = "member.email"
            wpUsernameField = "member.username"
        case .sinceEndpoint:
            self.productField = productField ?? "product_id"
            emailField = "email"
            wpUsernameField = "wp_username"
        }
    }

    public func map(_ record: JSONValue) -> MappedRecord {
        guard case .object = record else { return .rejected(RejectedRecord(recordId: nil, reason: "record is not a JSON object")) }
        guard let id = record.value(at: "id")?.text else {
            return .rejected(RejectedRecord(recordId: nil, reason: "record has no id"))
        }
        guard id.utf8.count <= Self.maxIdLength else {
            return .rejected(RejectedRecord(recordId: String(id.prefix(40)) + "…", reason: "id longer than \(Self.maxIdLength) characters"))
        }
        func reject(_ reason: String) -> MappedRecord { .rejected(RejectedRecord(recordId: id, reason: reason)) }

        guard let productId = record.value(at: productField)?.text else { return reject("no product id at \(productField)") }
        guard productId.utf8.count <= Self.maxIdLength else { return reject("product id longer than \(Self.maxIdLength) characters") }
        guard let statusText = record.value(at: "status")?.text else { return reject("no status") }
        guard let status = TransactionStatus(rawValue: statusText.lowercased()) else {
            return reject("unknown status \"\(statusText.prefix(40))\"")
        }
        guard let createdText = record.value(at: "created_at")?.text,
              case .date(let createdAt)? = WordPressDate.parse(createdText) else {
            return reject("created_at missing or not Y-m-d H:i:s")
        }
        var expiresAt: Date? = nil
        var endsNever = false
        if let expiresText = record.value(at: "expires_at")?.text {
            switch WordPressDate.parse(expiresText) {
            case .date(let date)?: expiresAt = date
            case .never?: endsNever = true
            case nil: return reject("expires_at \"\(expiresText.prefix(40))\" is not Y-m-d H:i:s")
            }
        }
        return .transaction(Transaction(
            id: id, productId: productId,
            email: (record.value(at: emailField)?.text).flatMap { $0.utf8.count <= Self.maxEmailLength ? $0 : nil } ?? "",
            wpUsername: Self.cut(record.value(at: wpUsernameField)?.text),
            // Missing or empty stays empty: the engine sends it to manual review with a reason.
            tradingViewUsername: Self.cut(record.value(at: usernameField)?.text) ?? "",
            status: status, createdAt: createdAt, expiresAt: expiresAt, endsNever: endsNever,
            amount: Self.cut(record.value(at: "amount")?.text)))
    }

    /// The record's `created_at`, when it has a readable one.
    public func createdAt(_ record: JSONValue) -> Date? {
        guard let text = record.value(at: "created_at")?.text, case .date(let date)? = WordPressDate.parse(text) else { return nil }
        return date
    }

    /// Every record of a page, split into transactions and rejections (nothing dropped).
    public func mapAll(_ records: [JSONValue]) -> TransactionBatch {
        var batch = TransactionBatch(transactions: [], rejected: [])
        for record in records {
            switch map(record) {
            case .transaction(let t): batch.transactions.append(t)
            case .rejected(let r): batch.rejected.append(r)
            }
        }
        return batch
    }
}
