import AccessCore
import Foundation

/// Everything the console asks of the core. `RuntimeServices` implements it over an AppRuntime's Actions.
/// Errors are thrown values whose `description` (CustomStringConvertible) or `localizedDescription` is shown in the status line.
public protocol ConsoleServices: Sendable {
    /// Scripts with their master data (users, review queue, retry queue), session status, modes.
    func loadOverview() async throws -> ConsoleSnapshot
    /// TradingView's canonical spelling of `name`, or nil when no such user exists.
    func validate(_ name: String) async throws -> String?
    /// Every write (grant, extend, revoke, resync apply, queue actions...): the core performs it and
    /// the answer is a one-line human summary for the status line; a refusal or failure is thrown.
    func perform(_ command: AccessCommand) async throws -> String
    func resyncPreview(script: String) async throws -> ResyncDiff
    /// `dryRun` is the mode the console showed when the key was pressed: a service whose mode differs
    /// refuses rather than run in a mode the admin did not see.
    func syncNow(dryRun: Bool) async throws -> String
    /// Turns dry-run on or off for the writes the console makes from now on; returns the new modes.
    func setDryRun(_ on: Bool) async throws -> ModeReport
    /// The process holding the sync lock of the data folder, if any, and a daemon running on the same
    /// data folder (cheap: polled every few seconds).
    func otherProcesses() async -> OtherProcesses
    func testSession() async throws -> SessionStatusInfo
    /// Tests the cookies against TradingView and saves them only when they work.
    func setCookies(sessionid: String, sessionidSign: String) async throws -> SessionStatusInfo
    /// One customer's story on a script (the user detail), read from master data and the event log
    /// (nil: nothing knows them). Off the UI loop: it reads the script's full file.
    func userStory(script: String, username: String) async throws -> UserStory?
    /// What the purchases a story names entitle, read from MemberPress by id (a few calls).
    func entitlement(of story: UserStory) async -> UserStory.Entitled
    /// Live events of this process and of others (tailed log file). Called once per console run.
    func events() -> AsyncStream<AccessEvent>
    /// What a first run would do: a dry run of a sync, nothing written.
    func previewFirstRun() async throws -> FirstRunPlan
}

/// What the console shows, loaded at start and after every action.
public struct ConsoleSnapshot: Sendable, Equatable {
    public var configPath: String
    public let scripts: [ScriptSummary]
    /// Each script's Users pane index, by script id: built with the snapshot, where it is made (the
    /// services' thread), never on the UI loop.
    public let usersIndex: [String: UsersIndex]
    /// Scripts whose files did not read (shown empty), and why, by script id.
    public var unreadable: [String: String]
    public var session: SessionStatusInfo
    public var modes: ModeReport
    public var others: OtherProcesses

    public init(configPath: String, scripts: [ScriptSummary], unreadable: [String: String] = [:], session: SessionStatusInfo,
                modes: ModeReport, others: OtherProcesses = OtherProcesses()) {
        self.configPath = configPath; self.scripts = scripts; self.unreadable = unreadable; self.session = session; self.modes = modes
        self.others = others
        // One script after another: a big one is built in parts side by side already.
        usersIndex = Dictionary(scripts.map { ($0.scriptId, UsersIndex(users: $0.users)) }, uniquingKeysWith: { a, _ in a })
    }

    /// From whole scripts (tests, the bench's generated state).
    public init(configPath: String, scripts: [ScriptAccess], session: SessionStatusInfo, modes: ModeReport,
                others: OtherProcesses = OtherProcesses()) {
        self.init(configPath: configPath, scripts: scripts.map(ScriptSummary.init), session: session, modes: modes, others: others)
    }
}

/// What other processes on the same data folder are doing, as their files tell.
public struct OtherProcesses: Sendable, Equatable {
    /// Another process holding the sync lock (a daemon's or a cron job's run).
    public var lockHolder: Int32?
    /// A daemon running on this data folder (its `daemon-status.json`, while its pid lives).
    public var daemon: DaemonStatusFile?
    /// Users the daemon's last audit found different on TradingView, by script id (`masterData/.audit.json`):
    /// the Users pane marks them.
    public var drifted: [String: Set<String>]
    public init(lockHolder: Int32? = nil, daemon: DaemonStatusFile? = nil, drifted: [String: Set<String>] = [:]) {
        self.lockHolder = lockHolder; self.daemon = daemon; self.drifted = drifted
    }
}

/// Health of the TradingView session cookies. Never carries the cookies themselves.
public struct SessionStatusInfo: Sendable, Equatable {
    public enum Status: String, Sendable { case valid, stale, unknown }
    public var status: Status
    public var lastCheck: Date?
    public var lastResult: String?
    public var cookiesSavedAt: Date?
    public var account: String?

    public init(status: Status, lastCheck: Date? = nil, lastResult: String? = nil, cookiesSavedAt: Date? = nil, account: String? = nil) {
        self.status = status; self.lastCheck = lastCheck; self.lastResult = lastResult
        self.cookiesSavedAt = cookiesSavedAt; self.account = account
    }
}

/// How a script's master data differs from TradingView's list of users.
public struct ResyncDiff: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// In master data, missing on TradingView: apply grants it.
        case missingRemote = "missing on TradingView"
        /// On TradingView, unknown to master data: apply adopts it.
        case unknownLocal = "unknown locally"
        /// Both know the user, with different expiries: apply sets TradingView's to master data's,
        /// or adopts TradingView's when it is later.
        case expiryMismatch = "expiry differs"
    }
    public struct Row: Sendable, Equatable {
        public var kind: Kind
        public var username: String
        /// nil = lifetime (or absent on that side, see `kind`).
        public var localExpiry: Date?
        public var remoteExpiry: Date?
        public init(kind: Kind, username: String, localExpiry: Date?, remoteExpiry: Date?) {
            self.kind = kind; self.username = username; self.localExpiry = localExpiry; self.remoteExpiry = remoteExpiry
        }
    }
    public var script: String
    public var rows: [Row]
    public init(script: String, rows: [Row]) { self.script = script; self.rows = rows }
    public var isEmpty: Bool { rows.isEmpty }
}
