import Crypto
import Foundation

/// The vault's file format, shared by everything sealed with the vault key (the session cookies, the
/// fix links' key): a 4-byte magic naming what the file holds, then an AES-256-GCM sealed box
/// (nonce + ciphertext + tag).
enum VaultSeal {
    /// `magic` + the sealed box of `plain`; nil when sealing fails.
    static func seal(_ plain: Data, magic: [UInt8], key: SymmetricKey) -> [UInt8]? {
        guard let combined = try? AES.GCM.seal(plain, using: key).combined else { return nil }
        return magic + Array(combined)
    }

    /// The sealed box in `file`; nil when it does not start with `magic` or holds no box (damaged, cut).
    static func box(in file: Data, magic: [UInt8]) -> AES.GCM.SealedBox? {
        guard file.count > magic.count, Array(file.prefix(magic.count)) == magic else { return nil }
        return try? AES.GCM.SealedBox(combined: file.dropFirst(magic.count))
    }
}
