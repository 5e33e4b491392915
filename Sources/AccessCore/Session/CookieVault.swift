import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The TradingView session cookies at rest: `{vault}/cookies.enc`, AES-256-GCM sealed JSON
/// (magic "ACV1" + nonce + ciphertext + tag), mode 0600. As a `CookieProvider` it caches the cookies
/// and rereads the file when its modification time changes, so a `cookies set` from another process
/// takes effect without a restart.
public final class CookieVault: CookieProvider, Sendable {
    public let directory: URL
    public var cookiesPath: String { directory.appendingPathComponent("cookies.enc").path }
    public var keyPath: String { directory.appendingPathComponent("vault.key").path }

    private let environment: [String: String]
    private static let magic: [UInt8] = Array("ACV1".utf8)
    private let cached = Locked<(stamp: FileStamp?, cookies: SessionCookies?)?>(nil)

    public init(directory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.directory = directory; self.environment = environment
    }

    /// The stored cookies, or nil when none were saved. Throws `VaultError`.
    public func load() throws -> SessionCookies? {
        guard let sealed = try read() else { return nil }
        guard let key = try VaultKey.resolve(environment: environment, keyFile: keyPath, create: false) else {
            throw VaultError.missingKey(file: cookiesPath, keyFile: keyPath)
        }
        guard let box = VaultSeal.box(in: sealed, magic: Self.magic) else { throw VaultError.corrupt(path: cookiesPath) }
        let plain: Data
        do { plain = try AES.GCM.open(box, using: key) } catch {
            throw VaultError.wrongKey(file: cookiesPath, keyFile: keyPath)
        }
        do { return try JSONDecoder.vault.decode(SessionCookies.self, from: plain) } catch {
            throw VaultError.corrupt(path: cookiesPath)
        }
    }

    /// Encrypts and replaces the stored cookies atomically (temp file, fsync, rename), mode 0600.
    public func save(_ cookies: SessionCookies) throws {
        try createDirectory()
        let key = try VaultKey.resolve(environment: environment, keyFile: keyPath, create: true)!
        let plain: Data
        do { plain = try JSONEncoder.vault.encode(cookies) } catch {
            throw VaultError.io(path: cookiesPath, detail: "cannot encode cookies")
        }
        guard let sealed = VaultSeal.seal(plain, magic: Self.magic, key: key) else {
            throw VaultError.io(path: cookiesPath, detail: "cannot seal cookies")
        }
        do {
            try DurableFile.replace(cookiesPath, with: sealed, mode: 0o600)
        } catch let e as StoreError {
            throw VaultError.io(path: cookiesPath, detail: "\(e)")
        }
        cached.withLock { $0 = nil }
    }

    /// Removes the stored cookies (the key stays, so the next save reuses it).
    public func clear() throws {
        if unlink(cookiesPath) != 0 && errno != ENOENT {
            throw VaultError.io(path: cookiesPath, detail: "cannot remove: \(String(cString: strerror(errno)))")
        }
        cached.withLock { $0 = nil }
    }

    /// `CookieProvider`: the cookies as of the file's current modification time; nil when none are
    /// stored or the vault cannot be opened (callers treat that as "no session").
    public func currentCookies() -> SessionCookies? {
        cached.withLock { cached in
            let stamp = FileStamp(path: cookiesPath)
            if let cached, cached.stamp == stamp { return cached.cookies }
            let cookies = try? load()
            cached = (stamp, cookies)
            return cookies
        }
    }

    /// The vault's own error when cookies are stored but cannot be opened: what to fix, not "no cookies".
    public func unavailableReason() -> String? {
        do { _ = try load(); return nil } catch let e as VaultError { return e.description } catch {
            return String(describing: error)
        }
    }

    private func read() throws -> Data? {
        do { return try Data(contentsOf: URL(fileURLWithPath: cookiesPath)) } catch {
            if !FileManager.default.fileExists(atPath: cookiesPath) { return nil }
            throw VaultError.io(path: cookiesPath, detail: "cannot read")
        }
    }

    private func createDirectory() throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw VaultError.io(path: directory.path, detail: "cannot create directory")
        }
    }
}

/// Identifies one version of a file: modification time (ns), size and inode (a rename changes it).
private struct FileStamp: Equatable {
    var seconds: Int
    var nanoseconds: Int
    var size: Int
    var inode: UInt64

    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        seconds = Int(st.st_mtim.tv_sec); nanoseconds = Int(st.st_mtim.tv_nsec)
        size = Int(st.st_size); inode = UInt64(st.st_ino)
    }
}

private extension JSONEncoder {
    static var vault: JSONEncoder { let e = JSONEncoder(); e.dateEncodingStrategy = TimeText.jsonEncoding; return e }
}

private extension JSONDecoder {
    static var vault: JSONDecoder { let d = JSONDecoder(); d.dateDecodingStrategy = TimeText.jsonDecoding; return d }
}
