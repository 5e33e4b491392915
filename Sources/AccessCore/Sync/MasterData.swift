import Foundation

/// One script's open master data, as the engine and the actions use it. `ScriptStore` is the product's
/// implementation; tests may use an in-memory one.
public protocol ScriptMasterData: AnyObject, Sendable {
    var scriptId: String { get }
    var state: ScriptAccess { get }
    /// `body` on the current state, without a copy outliving the call (see `ScriptStore.read`).
    func read<T>(_ body: (ScriptAccess) throws -> T) rethrows -> T
    /// `.durable`: on disk before it returns (the engine relies on it before every remote write).
    /// `.deferred`: written, on disk with the next durable commit or the system's writeback; only for
    /// changes that are harmless to lose in a power cut (see `ScriptStore.commit(_:durability:)`).
    func commit(_ changes: [AccessChange], durability: CommitDurability) throws
    func close()
}

extension ScriptMasterData {
    func commit(_ changes: [AccessChange]) throws { try commit(changes, durability: .durable) }
}

extension ScriptStore: ScriptMasterData {}

/// Hands out open master data per script: `ScriptStoreOpener` opens and closes a store per use, so
/// locks are short; tests hand in-memory stand-ins.
public protocol MasterDataProvider: Sendable {
    func openScript(_ scriptId: String) throws -> any ScriptMasterData
    /// The caller is done with it: a caching provider keeps it open, others close it.
    func releaseScript(_ data: any ScriptMasterData)
    /// Moves the script's master data aside so it starts empty (for a rebuild after it was lost);
    /// returns where it went.
    func setAside(_ scriptId: String, now: Date) throws -> [String]
}

extension MasterDataProvider {
    public func setAside(_ scriptId: String, now: Date) throws -> [String] {
        throw StoreError.io(path: scriptId, detail: "this master data cannot be set aside")
    }
}

/// `masterData/{scriptId}.json` files in one folder, each opened for one use and closed after it, so
/// other processes can take the script's lock in between.
public struct ScriptStoreOpener: MasterDataProvider {
    public let directory: URL
    public init(directory: URL) { self.directory = directory }
    public func openScript(_ scriptId: String) throws -> any ScriptMasterData {
        try ScriptStore.open(directory: directory, scriptId: scriptId)
    }
    public func releaseScript(_ data: any ScriptMasterData) { data.close() }
    public func setAside(_ scriptId: String, now: Date) throws -> [String] {
        try ScriptStore.setAside(directory: directory, scriptId: scriptId, now: now)
    }
}

/// One script's master data during a pass. In a dry run it keeps every change in memory only, so the
/// same code path runs live and dry without persisting anything.
final class ScriptSession: Sendable {
    let scriptId: String
    let dryRun: Bool
    private let data: any ScriptMasterData
    private let provider: any MasterDataProvider
    /// A dry run's in-memory master data (nil in a live run).
    private let shadow: Locked<ScriptAccess?>

    init(_ data: any ScriptMasterData, provider: any MasterDataProvider, dryRun: Bool) {
        self.data = data; self.provider = provider; self.scriptId = data.scriptId; self.dryRun = dryRun
        self.shadow = Locked(dryRun ? data.state : nil)
    }

    var state: ScriptAccess {
        shadow.withLock { $0 ?? data.state }
    }

    func read<T>(_ body: (ScriptAccess) throws -> T) rethrows -> T {
        // A dry run reads a copy of its shadow (a value); a live run reads the store, which locks itself.
        guard let copy = shadow.withLock({ $0 }) else { return try data.read(body) }
        // The next commit writes the shadow's storage in place once this copy is gone; the runtime's
        // reference count orders the two where the thread sanitizer cannot see. Passing the lock once more
        // while the copy is still held orders them for it too (scripts/tsan-cow-repro.swift).
        defer { withExtendedLifetime(copy) { shadow.withLock { _ in } } }
        return try body(copy)
    }

    /// Not serialized for the real store (it orders commits itself and lets concurrent ones share a
    /// flush); the dry-run shadow is guarded here.
    func commit(_ changes: [AccessChange], durability: CommitDurability = .durable) throws {
        guard !changes.isEmpty else { return }
        let inMemory = shadow.withLock { shadow in
            guard shadow != nil else { return false }
            shadow!.apply(changes: changes)
            return true
        }
        if !inMemory { try data.commit(changes, durability: durability) }
    }

    func close() { provider.releaseScript(data) }
}

extension ScriptAccess {
    mutating func apply(changes: [AccessChange]) { for c in changes { apply(c) } }
}
