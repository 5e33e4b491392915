import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is acting, for history entries: the OS user of this process.
public enum ActorName {
    /// The customer, through the signed link in their invalid-username mail (the daemon's `/fix/` pages).
    public static let customerViaLink = "customer via fix link"

    public static func current() -> String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name {
            let s = String(cString: name)
            if !s.isEmpty { return s }
        }
        return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    }
}
