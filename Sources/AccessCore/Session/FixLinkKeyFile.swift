import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The HMAC key that signs customers' fix links, kept in the vault beside the session cookies:
/// `{vault}/fix-link.key.enc`, "ACK1" + an AES-256-GCM sealed box of 32 random bytes, sealed with the
/// vault key (`VaultKey`), mode 0600. Made on first need by whichever process needs it first (the one
/// that mails a link, or the daemon checking one); it is created with `link(2)`, which fails when the
/// file exists, so two processes racing end up with the same key. Never in config, never logged.
public final class FixLinkKeyFile: Sendable {
    public let directory: URL
    public var path: String { directory.appendingPathComponent("fix-link.key.enc").path }
    private var vaultKeyPath: String { directory.appendingPathComponent("vault.key").path }
    private let environment: [String: String]
    private static let magic: [UInt8] = Array("ACK1".utf8)
    private let cached = Locked<SymmetricKey?>(nil)

    public init(directory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.directory = directory; self.environment = environment
    }

    /// The signer, creating the key (and the vault key) when neither exists yet. Throws `VaultError`.
    public func signer() throws -> FixLinkSigner {
        try cached.withLock { cached in
            if let cached { return FixLinkSigner(key: cached) }
            let key = try load() ?? create()
            cached = key
            return FixLinkSigner(key: key)
        }
    }

    private func vaultKey() throws -> SymmetricKey {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch { throw VaultError.io(path: directory.path, detail: "cannot create directory") }
        return try VaultKey.resolve(environment: environment, keyFile: vaultKeyPath, create: true)!
    }

    private func load() throws -> SymmetricKey? {
        guard let sealed = FileManager.default.contents(atPath: path) else {
            // There but unreadable (made by another user, mode 0600): say so, rather than try to make a
            // new key over it and fail with a puzzling "exists".
            guard access(path, F_OK) == 0 else { return nil }
            throw VaultError.io(path: path, detail: "exists but cannot be read by this process's user (\(ProcessInfo.processInfo.userName)); "
                                + "make it readable by the user every access-console command and the daemon run as")
        }
        guard let box = VaultSeal.box(in: sealed, magic: Self.magic) else {
            throw VaultError.io(path: path, detail: "not a sealed fix-link key (damaged or truncated); restore it from a backup, "
                                + "or delete it to have a new key made (links already mailed stop working)")
        }
        let plain: Data
        do { plain = try AES.GCM.open(box, using: try vaultKey()) } catch let e as VaultError { throw e } catch {
            throw VaultError.wrongKey(file: path, keyFile: vaultKeyPath)
        }
        guard plain.count == 32 else {
            throw VaultError.io(path: path, detail: "not a sealed fix-link key (wrong length); restore it from a backup, or delete it")
        }
        return SymmetricKey(data: plain)
    }

    private func create() throws -> SymmetricKey {
        let key = SymmetricKey(size: .bits256)
        guard let sealed = VaultSeal.seal(key.withUnsafeBytes { Data($0) }, magic: Self.magic, key: try vaultKey()) else {
            throw VaultError.io(path: path, detail: "cannot seal the fix-link key")
        }
        let temp = path + ".tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
        do {
            let fd = try DurableFile.openFile(temp, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
            defer { DurableFile.closeFile(fd) }
            try sealed.withUnsafeBytes { try DurableFile.writeAll(fd, $0, path: temp) }
            try DurableFile.sync(fd, path: temp)
        } catch {
            unlink(temp)
            throw VaultError.io(path: path, detail: "cannot write the fix-link key: \(error)")
        }
        defer { unlink(temp) }
        if link(temp, path) != 0 {
            // Another process made it first: theirs is the key.
            if errno == EEXIST, let theirs = try load() { return theirs }
            throw VaultError.io(path: path, detail: "cannot create: \(String(cString: strerror(errno)))")
        }
        try? DurableFile.syncDirectory(directory.path)
        return key
    }
}
