import Foundation

/// The durable master data of one script: `masterData/{scriptId}.json` (snapshot) plus an append-only
/// journal beside it. Holds an exclusive per-script file lock while open.
/// SKELETON: signatures are the contract; the Store work fills the bodies in.
public final class ScriptStore: @unchecked Sendable {
    public let scriptId: String

    /// Opens (creating when absent) and loads snapshot + journal replay. Throws `StoreError`.
    public static func open(directory: URL, scriptId: String) throws -> ScriptStore {
        fatalError("ScriptStore.open: not implemented yet")
    }

    private init(scriptId: String) { self.scriptId = scriptId }

    /// The current state (snapshot + every committed change).
    public var state: ScriptAccess { fatalError("not implemented yet") }

    /// Appends the changes to the journal as one durable unit (flushed to disk) and applies them in memory.
    /// Cost does not grow with the number of users.
    public func commit(_ changes: [AccessChange]) throws { fatalError("not implemented yet") }

    /// Writes a new snapshot (temp file, fsync, rename) and truncates the journal.
    public func compact() throws { fatalError("not implemented yet") }

    /// Releases the lock. Also done on deinit.
    public func close() {}
}

public enum StoreError: Error, Sendable, CustomStringConvertible {
    case locked(path: String)
    case corrupt(path: String, detail: String)
    case io(path: String, detail: String)
    public var description: String {
        switch self {
        case .locked(let p): return "\(p): held by another process"
        case .corrupt(let p, let d): return "\(p): unreadable master data: \(d)"
        case .io(let p, let d): return "\(p): \(d)"
        }
    }
}
