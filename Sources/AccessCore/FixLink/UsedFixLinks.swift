import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `masterData/.fix-links-used`: the nonces of links that fixed a name, one JSON line each, appended and
/// fsynced before the "done" page is shown, so a used link stays used across daemon restarts. (A link
/// whose purchase has no open review item is refused anyway; this makes "works once" hold even if the
/// same purchase came back to review.) Read on every check: the file grows by one line per fix.
public struct UsedFixLinks: Sendable {
    public var path: String { file.path }
    private let file: AppendOnlyLines

    public init(path: String) { file = AppendOnlyLines(path: path) }

    private struct Line: Codable { var nonce: String; var transaction: String; var at: Date }

    public func contains(_ token: FixLinkToken) -> Bool {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        // A torn last line (crash mid-write) is not read: its fix was not confirmed to the customer.
        let lines = (try? file.read().lines) ?? []
        return lines.contains { (try? decoder.decode(Line.self, from: Data($0)))?.nonce == token.nonce }
    }

    /// Durable before it returns. Throws `StoreError.io`.
    public func record(_ token: FixLinkToken, at date: Date) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        try file.append((try? encoder.encode(Line(nonce: token.nonce, transaction: token.transactionId, at: date))) ?? Data())
    }
}
