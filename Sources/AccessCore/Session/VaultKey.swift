import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the vault's AES-256 key comes from: `ACCESS_CONSOLE_KEY` (base64 of 32 bytes) when set,
/// else `{vault}/vault.key`, a base64 line created with mode 0600 on first save.
enum VaultKey {
    static let environmentName = "ACCESS_CONSOLE_KEY"

    /// The key, or nil when neither the environment nor the key file has one (and `create` is false).
    static func resolve(environment: [String: String], keyFile: String, create: Bool) throws -> SymmetricKey? {
        if let text = environment[environmentName] {
            guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw VaultError.badEnvironmentKey("not valid base64")
            }
            guard bytes.count == 32 else {
                throw VaultError.badEnvironmentKey("decodes to \(bytes.count) bytes, expected 32")
            }
            return SymmetricKey(data: bytes)
        }
        var st = stat()
        if stat(keyFile, &st) == 0 {
            let mode = UInt16(st.st_mode & 0o777)
            guard mode & 0o077 == 0 else { throw VaultError.keyFileTooOpen(path: keyFile, mode: mode) }
            guard let text = try? String(contentsOfFile: keyFile, encoding: .utf8),
                  let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw VaultError.badKeyFile(path: keyFile, reason: "unreadable or not base64")
            }
            guard bytes.count == 32 else {
                throw VaultError.badKeyFile(path: keyFile, reason: "holds \(bytes.count) bytes, expected 32")
            }
            return SymmetricKey(data: bytes)
        }
        guard create else { return nil }
        return try generate(keyFile)
    }

    /// Creates the key file exclusively with mode 0600 (so it is never readable by others, not even briefly).
    private static func generate(_ keyFile: String) throws -> SymmetricKey {
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        let fd = open(keyFile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw VaultError.io(path: keyFile, detail: "cannot create key file: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        do {
            try Array(text.utf8).withUnsafeBytes { try DurableFile.writeAll(fd, $0, path: keyFile) }
            try DurableFile.sync(fd, path: keyFile)
        } catch {
            unlink(keyFile)
            throw VaultError.io(path: keyFile, detail: "cannot write key file")
        }
        return key
    }
}
