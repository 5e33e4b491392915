import AccessCore
import Foundation

/// Work the reducer asks for. Effects are values: the runtime runs them through ConsoleServices and
/// reports back with `ConsoleEvent.result`; tests assert on them directly.
public enum Effect: Sendable, Equatable, CustomStringConvertible {
    case loadOverview
    case validate(String)
    /// Everything that changes access or the queues: the core performs it (`AccessActions.perform`),
    /// the console only says what came back. A new write needs no new case here.
    case command(AccessCommand)
    case resyncPreview(script: String)
    case syncNow(dryRun: Bool)
    /// What a first run would do (a dry run, nothing written), shown before the admin confirms it.
    case firstRunPreview
    case setDryRun(Bool)
    /// Who holds the sync lock, and whether a daemon runs: polled, so another process's run shows even
    /// when its events are late.
    case pollLock
    case testSession
    case setCookies(sessionid: String, sessionidSign: String)
    /// A user's full story for the detail view (reads, writes nothing).
    case userStory(script: String, user: String)
    /// What the purchases of an open story entitle: asked of MemberPress after the story is shown, so a
    /// slow or unreachable WordPress never holds the detail back.
    case userEntitlement(UserStory)
    /// OSC 52 clipboard copy, done by the terminal backend.
    case copyToClipboard(String)
    case quit

    /// Effects that call the core and count as "in flight" for the quit prompt.
    public var isRemote: Bool {
        switch self {
        case .copyToClipboard, .quit, .pollLock: return false
        default: return true
        }
    }

    /// Names the effect for the status line; never includes the cookies.
    public var description: String {
        switch self {
        case .loadOverview: return "reload"
        case .validate(let n): return "validate \(n)"
        case .command(let c): return c.description
        case .resyncPreview(let s): return "resync preview of \(s)"
        case .syncNow(let d): return d ? "dry-run sync" : "sync"
        case .firstRunPreview: return "first-run preview"
        case .setDryRun(let on): return "dry-run \(on ? "on" : "off")"
        case .pollLock: return "lock check"
        case .testSession: return "session test"
        case .setCookies: return "cookie update"
        case .userStory(_, let u): return "history of \(u)"
        case .userEntitlement(let story): return "purchases of \(story.username)"
        case .copyToClipboard: return "copy"
        case .quit: return "quit"
        }
    }
}

/// What came back from one effect.
public enum EffectOutcome: Sendable, Equatable {
    case overview(ConsoleSnapshot)
    /// A write or command finished; the text goes to the status line.
    case message(String)
    case validated(input: String, canonical: String?)
    case resyncDiff(ResyncDiff)
    case session(SessionStatusInfo)
    case modes(ModeReport)
    case others(OtherProcesses)
    case story(UserStory?)
    case entitlement(UserStory.Entitled)
    case firstRunPlan(FirstRunPlan)
    case failed(String)
}

/// What a script's first run would do (`SyncSummary` of a dry run): shown before it runs for real.
public struct FirstRunPlan: Sendable, Equatable {
    public var adopted: Int
    public var writes: Int
    public var review: Int
    public init(adopted: Int, writes: Int, review: Int) { self.adopted = adopted; self.writes = writes; self.review = review }
    public init(_ s: SyncSummary) { self.init(adopted: s.adopted, writes: s.granted + s.extended, review: s.review) }
}

/// Everything the reducer reacts to.
public enum ConsoleEvent: Sendable {
    case key(Key)
    case resize(Size)
    case tick(Date)
    /// Core events, batched so a chatty sync cannot starve the keyboard.
    case core([AccessEvent])
    case result(Effect, EffectOutcome)
}
