import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is acting, for history entries and action events: the entry point that made the write (console,
/// CLI, daemon, webhook, fix link, batch), with the OS user where a person started it. Stored as plain
/// text in the journal, so older lines ("sync", a bare OS user) load and show as they were written.
public enum ActorName {
    /// The customer, through the signed link in their invalid-username mail (the daemon's `/fix/` pages).
    public static let customerViaLink = "customer via fix link"
    /// The daemon's own runs: scheduled syncs, polling, the session watch's catch-up run.
    public static let daemon = "daemon"
    /// The daemon applying confirmed webhook purchases.
    public static let webhook = "webhook"
    /// Before entry points named themselves, every engine write was "sync": older journal lines keep it.
    public static let legacySync = "sync"

    /// An admin at the console: `console (alice)`.
    public static func console(_ user: String = current()) -> String { "console (\(user))" }
    /// A CLI command (by hand or cron): `cli (alice)`.
    public static func cli(_ user: String = current()) -> String { "cli (\(user))" }
    /// `batch-grant` applying a dump: `batch (alice)`.
    public static func batch(_ user: String = current()) -> String { "batch (\(user))" }

    public static func current() -> String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name {
            let s = String(cString: name)
            if !s.isEmpty { return s }
        }
        return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    }
}
