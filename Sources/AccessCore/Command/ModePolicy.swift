import Foundation

/// Whether writes go out: the one answer every entry point (console, CLI, daemon, fix pages, webhooks)
/// gets from `ModeAuthority`. Versioned so a console never shows an older report over a newer one.
public struct ModePolicy: Sendable, Equatable, Codable {
    /// Writes are logged and counted as "would", nothing is sent or kept.
    public var dryRun: Bool
    /// Every write is refused (the console's `--read-only`).
    public var readOnly: Bool
    /// config's `scheduler.dry_run`: dry run that no toggle or flag can turn off.
    public var dryRunPinned: Bool
    public var version: UInt64

    public init(dryRun: Bool, readOnly: Bool, dryRunPinned: Bool = false, version: UInt64 = 1) {
        self.dryRun = dryRun || dryRunPinned; self.readOnly = readOnly; self.dryRunPinned = dryRunPinned; self.version = version
    }

    /// `current` unless `report` is at least as new.
    public static func newest(_ current: ModePolicy?, _ report: ModePolicy) -> ModePolicy {
        guard let current, current.version > report.version else { return report }
        return current
    }

    /// The mode one command runs in: a command may ask for a dry run, never for less than the policy.
    public func admitting(dryRun requested: Bool) -> ModePolicy {
        var m = self
        m.dryRun = m.dryRun || requested
        return m
    }
}

/// Why a command was not run in the mode asked for.
public enum ModeRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case readOnly
    /// config's `scheduler.dry_run` is on: going live needs a config change, not a key.
    case dryRunPinned

    public var description: String {
        switch self {
        case .readOnly: return "read-only: this console makes no changes (started with --read-only)"
        case .dryRunPinned: return "config.json sets scheduler.dry_run: every entry point stays in dry run until it is set to false"
        }
    }
}

/// The owner of the mode for one process: built from config and flags, changed only by the console's
/// toggle. Everything else reads it.
public final class ModeAuthority: Sendable {
    private let state: Locked<ModePolicy>

    public init(_ policy: ModePolicy) { state = Locked(policy) }

    /// config's `scheduler.dry_run` pins dry run; a command-line `--dry-run` or `--read-only` adds to it.
    public convenience init(config: AppConfig, dryRun: Bool = false, readOnly: Bool = false) {
        self.init(ModePolicy(dryRun: dryRun, readOnly: readOnly, dryRunPinned: config.scheduler.dryRun))
    }

    public var current: ModePolicy { state.withLock { $0 } }

    /// A `--dry-run` given to a long-lived process (the daemon): nothing it does may write.
    public func pinDryRun() {
        state.withLock { m in
            guard !m.dryRunPinned else { return }
            m.dryRun = true; m.dryRunPinned = true; m.version += 1
        }
    }

    /// The console's `--read-only`, given at start: every write is refused from then on.
    public func makeReadOnly() {
        state.withLock { m in
            guard !m.readOnly else { return }
            m.readOnly = true; m.version += 1
        }
    }

    /// The console's `d`. Refused while read-only, and turning dry run off while config pins it.
    public func setDryRun(_ on: Bool) throws(ModeRefusal) -> ModePolicy {
        try state.withLock { (m: inout ModePolicy) throws(ModeRefusal) -> ModePolicy in
            if m.readOnly { throw .readOnly }
            if !on && m.dryRunPinned { throw .dryRunPinned }
            if m.dryRun != on { m.dryRun = on; m.version += 1 }
            return m
        }
    }
}
