import Foundation

/// Why the cookie vault could not be used. Messages name files and variables, never a secret.
public enum VaultError: Error, Sendable, CustomStringConvertible, Equatable {
    case wrongKey(file: String, keyFile: String)
    case badEnvironmentKey(String)
    case badKeyFile(path: String, reason: String)
    case keyFileTooOpen(path: String, mode: UInt16)
    case missingKey(file: String, keyFile: String)
    case corrupt(path: String)
    case io(path: String, detail: String)

    public var description: String {
        switch self {
        case .wrongKey(let file, let keyFile):
            return "cannot decrypt \(file): the key does not match (ACCESS_CONSOLE_KEY or \(keyFile)) or the file was changed; set the cookies again"
        case .badEnvironmentKey(let reason):
            return "ACCESS_CONSOLE_KEY: \(reason); set it to the base64 of 32 random bytes (e.g. `openssl rand -base64 32`)"
        case .badKeyFile(let path, let reason):
            return "\(path): \(reason); restore the key file or set ACCESS_CONSOLE_KEY"
        case .keyFileTooOpen(let path, let mode):
            return "\(path): readable by group or others (mode \(String(mode, radix: 8))); run `chmod 600 \(path)`"
        case .missingKey(let file, let keyFile):
            return "cannot decrypt \(file): no key (set ACCESS_CONSOLE_KEY or restore \(keyFile))"
        case .corrupt(let path):
            return "\(path): not a cookie vault (damaged or truncated); set the cookies again"
        case .io(let path, let detail):
            return "\(path): \(detail)"
        }
    }
}
