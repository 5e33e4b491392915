import Crypto
import Foundation

/// What a customer's fix link carries: the purchase whose review items it may resolve, until when, and
/// a random nonce (so every link is different and "used" can be recorded per link).
///
/// Text form: `base64url(payload) "." base64url(HMAC-SHA256(key, base64url(payload)))`, payload
/// `1|EXPIRES_UNIX|NONCE_HEX|TRANSACTION_ID`. The signature is checked (in constant time) before any
/// byte of the payload is parsed, and the text is size-limited before anything else.
public struct FixLinkToken: Sendable, Hashable {
    public static let version = "1"
    /// Longer text is refused unread: a real token is about 100 characters.
    public static let maxLength = 512

    public var transactionId: String
    public var expiresAt: Date
    /// 16 hex digits.
    public var nonce: String

    public init(transactionId: String, expiresAt: Date, nonce: String = FixLinkToken.randomNonce()) {
        self.transactionId = transactionId
        self.expiresAt = Date(timeIntervalSince1970: expiresAt.timeIntervalSince1970.rounded(.down))
        self.nonce = nonce
    }

    public static func randomNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%016llx", generator.next() as UInt64)
    }

    var payload: String { "\(Self.version)|\(Int64(expiresAt.timeIntervalSince1970))|\(nonce)|\(transactionId)" }

    /// Parses a payload whose signature was already checked; nil when it is not this version's shape.
    static func parse(payload: String) -> FixLinkToken? {
        let parts = payload.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.version, let expires = Int64(parts[1]),
              parts[2].count == 16, parts[2].allSatisfy(\.isHexDigit), !parts[3].isEmpty else { return nil }
        return FixLinkToken(transactionId: String(parts[3]), expiresAt: Date(timeIntervalSince1970: TimeInterval(expires)),
                            nonce: String(parts[2]))
    }
}

/// Why a link shows no form. The customer sees a plain page for each; none says more than needed.
public enum FixLinkRefusal: String, Error, Sendable, Hashable {
    /// Not a token we signed: cut, changed, or made up.
    case invalid
    case expired
    /// This link already fixed the name.
    case used
    /// The purchase needs no fix any more (resolved or dismissed by the admin, or never needed one).
    case settled
}

/// Signs and checks fix-link tokens with the HMAC key kept in the vault (`FixLinkKeyFile`).
public struct FixLinkSigner: Sendable {
    // Raw bytes: `SymmetricKey` is not `Sendable`; one is made per use.
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    init(key: SymmetricKey) { self.keyBytes = key.withUnsafeBytes { Data($0) } }

    /// For tests and tools: a key from its 32 raw bytes.
    public init(keyBytes: Data) { self.keyBytes = keyBytes }

    public func sign(_ token: FixLinkToken) -> String {
        let body = Base64URL.encode(Data(token.payload.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key)
        return body + "." + Base64URL.encode(Data(mac))
    }

    /// The token if `text` is one we signed and it has not expired at `now`.
    public func verify(_ text: String, now: Date) -> Result<FixLinkToken, FixLinkRefusal> {
        guard text.utf8.count <= FixLinkToken.maxLength,
              text.utf8.allSatisfy({ Base64URL.isAlphabet($0) || $0 == UInt8(ascii: ".") }) else { return .failure(.invalid) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let mac = Base64URL.decode(String(parts[1])),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(parts[0].utf8), using: key) else {
            return .failure(.invalid)
        }
        guard let payload = Base64URL.decode(String(parts[0])).flatMap({ String(data: $0, encoding: .utf8) }),
              let token = FixLinkToken.parse(payload: payload) else { return .failure(.invalid) }
        guard now < token.expiresAt else { return .failure(.expired) }
        return .success(token)
    }
}

/// RFC 4648 section 5, without padding: safe in a URL path as is.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }

    static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): return true
        default: return false
        }
    }
}
