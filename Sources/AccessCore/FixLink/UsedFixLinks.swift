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
public final class UsedFixLinks: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()

    public init(path: String) { self.path = path }

    private struct Line: Codable { var nonce: String; var transaction: String; var at: Date }

    public func contains(_ token: FixLinkToken) -> Bool {
        lock.withLock {
            guard let data = FileManager.default.contents(atPath: path) else { return false }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            // A torn last line (crash mid-write) is skipped: its fix was not confirmed to the customer.
            return data.split(separator: 0x0A).contains { (try? decoder.decode(Line.self, from: Data($0)))?.nonce == token.nonce }
        }
    }

    /// Durable before it returns. Throws `StoreError.io`.
    public func record(_ token: FixLinkToken, at date: Date) throws {
        try lock.withLock {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .secondsSince1970
            var bytes = Array((try? encoder.encode(Line(nonce: token.nonce, transaction: token.transactionId, at: date))) ?? Data())
            bytes.append(0x0A)
            let fd = try DurableFile.openFile(path, O_WRONLY | O_APPEND | O_CREAT, mode: 0o600)
            defer { DurableFile.closeFile(fd) }
            try bytes.withUnsafeBytes { try DurableFile.writeAll(fd, $0, path: path) }
            try DurableFile.sync(fd, path: path)
        }
    }
}
