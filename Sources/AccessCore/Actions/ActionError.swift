import Foundation

/// Why an action did not happen, in one line a person can act on. Never carries secrets.
public enum ActionError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownScript(String, known: [String])
    case userNotFound(script: String, user: String)
    case invalidUsername(String, detail: String)
    /// Writes stopped; `queued` changes wait in the retry queue for fresh cookies.
    case sessionStale(queued: Int)
    case syncRunning(pid: Int32?)
    /// The script's master data is held by another process (a sync, or an action in a console).
    case scriptBusy(script: String)
    case retryNotFound(script: String, id: String)
    case reviewNotFound(script: String, id: String)
    case cannotResolve(script: String, id: String, detail: String)
    /// TradingView refused for a reason retrying will not fix.
    case rejected(user: String, detail: String)
    case remote(String)
    case store(String)
    case notConfigured(String)
    case mail(String)
    case resyncIncomplete(script: String, failed: [String: String])
    /// The mode in force forbids the write (read-only, or going live while config pins dry run).
    case refusedByMode(ModeRefusal)
    /// Cookies not saved: empty, refused by TradingView, or the vault could not be written.
    case session(SessionError)

    public var description: String {
        switch self {
        case .unknownScript(let s, let known):
            return "unknown script \"\(s)\" — known: \(known.isEmpty ? "(none configured)" : known.map(CommandHint.quote).joined(separator: ", "))"
        case .userNotFound(let s, let u):
            return "user \"\(u)\" not found in master data of \(s) (resync adopts users TradingView has)"
        case .invalidUsername(let n, let d): return "invalid username \"\(n)\": \(d)"
        case .sessionStale(let q):
            return "TradingView session stale: \(q) change(s) kept queued; set fresh cookies, then retry"
        case .syncRunning(let pid): return pid.map { "sync running (pid \($0))" } ?? "sync running"
        case .scriptBusy(let s): return "master data of \(s) is held by another process (a sync or another action): try again when it is done"
        case .retryNotFound(let s, let id): return "no retry item \"\(id)\" in \(s)"
        case .reviewNotFound(let s, let id): return "no review item \"\(id)\" in \(s)"
        case .cannotResolve(let s, let id, let d): return "review item \"\(id)\" in \(s): \(d)"
        case .rejected(let u, let d): return "TradingView refused the change for \"\(u)\": \(d)"
        case .remote(let d): return "TradingView: \(d)"
        case .store(let d): return "master data: \(d)"
        case .notConfigured(let d): return "not configured: \(d)"
        case .mail(let d): return "email to the customer failed: \(d)"
        case .resyncIncomplete(let s, let failed):
            let first = failed.keys.sorted().prefix(3).map { "\($0): \(failed[$0]!)" }.joined(separator: "; ")
            return "resync of \(s) left \(failed.count) difference(s) unfixed: \(first)"
        case .refusedByMode(let r): return r.description
        case .session(let e): return e.description
        }
    }

    static func from(_ error: RemoteError, queued: Int = 0) -> ActionError {
        switch error {
        case .sessionStale: return .sessionStale(queued: queued)
        case .notConfigured(let d): return .notConfigured(d)
        default: return .remote(error.description)
        }
    }
}
