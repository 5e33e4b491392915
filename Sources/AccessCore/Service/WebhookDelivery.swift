import Foundation

/// One MemberPress webhook body, `{"event", "type", "data"}`, reduced to what the daemon acts on.
/// MemberPress sends no signature and no event id: the transaction id is only a claim, checked later
/// against the REST API.
public struct WebhookDelivery: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A payment event: confirmed by id, then applied like a polled purchase.
        case paid
        /// Money back: confirmed by id, then manual review as in sync.
        case refunded
        /// Anything else: answered 200 and logged.
        case other
    }

    /// The event name, sanitized (lower-case letters, digits, `-` and `_`, at most 64 characters).
    public var event: String
    public var kind: Kind
    /// `data.id` for payment and refund events (digits only).
    public var transactionId: String?

    public static let paidEvents: Set<String> = [
        "transaction-completed", "recurring-transaction-completed", "renewal-transaction-completed",
        "non-recurring-transaction-completed", "offline-payment-complete",
    ]
    public static let refundEvents: Set<String> = ["transaction-refunded", "offline-payment-refunded"]

    /// Deeper nesting than this is refused before parsing (the parser recurses).
    static let maxDepth = 64

    /// Parses a body; throws `WebhookError.malformed` with a one-line reason naming the field.
    public static func parse(_ body: Data) throws -> WebhookDelivery {
        guard depthWithin(body, limit: maxDepth) else { throw WebhookError.malformed("body nests deeper than \(maxDepth) levels") }
        let root: JSONValue
        do { root = try JSONValue.parse(body) } catch { throw WebhookError.malformed("body is not JSON") }
        guard case .object = root else { throw WebhookError.malformed("body is not a JSON object") }
        guard case .string(let rawEvent)? = root.value(at: "event") else { throw WebhookError.malformed("event: missing or not a string") }
        let event = sanitizeName(rawEvent)
        guard !event.isEmpty else { throw WebhookError.malformed("event: empty or not a MemberPress event name") }
        let kind: Kind = paidEvents.contains(event) ? .paid : refundEvents.contains(event) ? .refunded : .other
        guard kind != .other else { return WebhookDelivery(event: event, kind: kind, transactionId: nil) }
        guard case .object? = root.value(at: "data") else { throw WebhookError.malformed("data: missing or not an object") }
        guard let id = root.value(at: "data.id")?.text else { throw WebhookError.malformed("data.id: missing") }
        guard (1...20).contains(id.count), id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw WebhookError.malformed("data.id: expected 1 to 20 digits")
        }
        return WebhookDelivery(event: event, kind: kind, transactionId: id)
    }

    /// Event names are echoed into logs and metric labels: keep a safe alphabet, cap the length.
    static func sanitizeName(_ raw: String) -> String {
        let lowered = raw.lowercased()
        guard lowered.count <= 64, lowered.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return ""
        }
        return lowered
    }

    /// True when arrays and objects nest at most `limit` deep (strings skipped).
    static func depthWithin(_ body: Data, limit: Int) -> Bool {
        var depth = 0, inString = false, escaped = false
        for byte in body {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x5B, 0x7B:
                depth += 1
                if depth > limit { return false }
            case 0x5D, 0x7D: depth -= 1
            default: break
            }
        }
        return true
    }
}

public enum WebhookError: Error, Sendable, CustomStringConvertible, Equatable {
    case malformed(String)
    public var description: String {
        switch self {
        case .malformed(let why): return "webhook body refused: \(why)"
        }
    }
}

/// Compares secrets without an early exit, so the time taken does not tell how much of a guess was right.
public enum ConstantTime {
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        let n = max(x.count, y.count)
        for i in 0..<n {
            let p = i < x.count ? x[i] : 0, q = i < y.count ? y[i] : 0
            diff |= p ^ q
        }
        return diff == 0 && !y.isEmpty
    }
}
