import AccessCore
import Foundation

/// How the console was started.
public struct ConsoleOptions: Sendable {
    /// The services' mode when the console starts (they own it: `RuntimeServices.modes`).
    public var modes: ModeReport
    /// false for NO_COLOR or a monochrome terminal: the backend keeps bold and reverse, drops colours.
    public var color: Bool
    /// `console.keys` from config.json (action name -> key).
    public var keyOverrides: [String: String]
    public var logCapacity: Int
    /// Where stderr goes while curses owns the screen (anything written there would corrupt it).
    public var stderrPath: String
    /// `ACCESS_CONSOLE_TRACE`: a file that gets one line per flushed frame that followed input (how long
    /// from the key to the flush) and the time to the first frame with data: what `make bench` reads.
    public var tracePath: String? = ProcessInfo.processInfo.environment["ACCESS_CONSOLE_TRACE"]
    /// Whether an OSC 52 copy can reach a clipboard (see `ClipboardSupport.detect`).
    public var clipboard: ClipboardSupport = .osc52

    public init(readOnly: Bool = false, color: Bool = ProcessInfo.processInfo.environment["NO_COLOR"] == nil,
                keyOverrides: [String: String] = [:], logCapacity: Int = 10_000, stderrPath: String = "/dev/null") {
        self.modes = ModeReport(dryRun: false, readOnly: readOnly); self.color = color; self.keyOverrides = keyOverrides; self.logCapacity = logCapacity
        self.stderrPath = stderrPath
    }
}

public struct StatusMessage: Sendable, Equatable {
    public var text: String
    public var isError: Bool
    /// When it was set: a status line is news, and old news goes after `lifetime` seconds.
    public var at: Date
    public static let lifetime: TimeInterval = 10
}

/// How the last sync ended, for the header.
public struct LastSync: Sendable, Equatable {
    public var at: Date
    /// "done", "failed", "done, 3 to review", ...
    public var result: String
    public var ok: Bool
    /// What the run read back: "3 verified, 1 repaired" (nil when nothing was read back).
    public var verification: String? = nil
}

/// One row of the review pane (all scripts' queues together).
public struct ReviewRow: Sendable, Equatable {
    public var script: String
    public var item: ReviewItem
}

public struct RetryRow: Sendable, Equatable {
    public var script: String
    public var item: RetryItem
}

/// Everything the console shows. `reduce` changes it; `render` draws it.
public struct ConsoleState: Sendable, Equatable {
    public var size: Size
    public var now: Date
    /// The keymap in force (write bindings pruned when read-only).
    public var keymap: Keymap
    /// The full keymap, so a pruned key can say why it does nothing.
    public var fullKeymap: Keymap
    public var focus: Pane = .users
    public var zoomed = false
    public var snapshot: ConsoleSnapshot?
    public var selectedScript: String?
    public var scriptsCursor = Cursor()
    public var users = UsersTable()
    public var reviewRows: [ReviewRow] = []
    public var reviewCursor = Cursor()
    public var retryRows: [RetryRow] = []
    public var retryCursor = Cursor()
    public var log: LogState
    /// Engine runs as the core reports them (events, lock holder).
    public var runs = RunBoard()
    /// A daemon on the same data folder, as its status file last said (nil: none runs).
    public var daemon: DaemonStatusFile?
    /// Dry run and read-only as the services last reported them (nil until the first report).
    public var modes: ModeReport?
    public var modal: Modal?
    public var status: StatusMessage?
    /// Remote effects started and not yet answered.
    public var inFlight: [Effect] = []
    /// Another process (a CLI command, a daemon) changed master data outside a run this console
    /// follows: the next tick reloads (at most one reload a second, however many events come).
    public var othersChangedData = false
    /// This process, to tell its own events (its writes reload when they answer) from others'.
    public var ownPid: Int32 = ProcessInfo.processInfo.processIdentifier
    public var quitRequested = false
    /// `:` lines run, oldest first (Up walks back through them).
    public var commandHistory: [String] = []
    /// The Users pane's search (`n`/`N` jump between matches; unlike the filter it hides nothing).
    public var search = ""
    /// The last sync run seen end (this console's, another process's, or the daemon's last run).
    public var lastSync: LastSync?
    /// Ctrl-L was pressed: the reload that answers says so.
    public var reloadAsked = false
    public var clipboard: ClipboardSupport = .osc52
    /// Users expiring within 7 days, per script: counted when data arrives and once a minute, never
    /// per frame (it is O(users)).
    public var expiringSoon: [String: Int] = [:]
    public var expiringCountedAt = Date.distantPast
    /// When the sync lock was last asked for (every few seconds, on the clock tick).
    public var lockPolledAt = Date.distantPast

    public init(size: Size = Size(width: 80, height: 24), now: Date = Date(), options: ConsoleOptions = ConsoleOptions()) throws {
        self.size = size
        self.now = now
        let full = try Keymap.standard.rebinding(options.keyOverrides)
        fullKeymap = full
        keymap = options.modes.readOnly ? full.readOnly() : full
        modes = options.modes
        clipboard = options.clipboard
        log = LogState(capacity: options.logCapacity)
    }

    public var scripts: [ScriptSummary] { snapshot?.scripts ?? [] }
    public var currentScript: ScriptSummary? { scripts.first { $0.scriptId == selectedScript } }
    public var session: SessionStatusInfo? { snapshot?.session }
    /// What the header shows and the next write does: the services' mode.
    public var dryRun: Bool { modes?.dryRun ?? false }
    /// Whether writes are refused: the services' mode too (read-only has one owner).
    public var readOnly: Bool { modes?.readOnly ?? false }
    public var selectedReview: ReviewRow? {
        reviewRows.indices.contains(reviewCursor.selected) ? reviewRows[reviewCursor.selected] : nil
    }
    public var selectedRetry: RetryRow? {
        retryRows.indices.contains(retryCursor.selected) ? retryRows[retryCursor.selected] : nil
    }

    public var layout: Layout { Layout(size: size, focus: focus, zoomed: zoomed) }

    /// Rows a pane's list shows at the current size (border and header row excluded).
    public func listHeight(_ pane: Pane) -> Int {
        guard let r = layout.panes[pane] else { return 1 }
        return max(1, r.height - 3)
    }
}
extension Keymap: Equatable {
    public static func == (a: Keymap, b: Keymap) -> Bool { a.bindings == b.bindings }
}
