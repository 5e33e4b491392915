import Foundation

/// One script's open master data, as the engine and the actions use it. `ScriptStore` is the product's
/// implementation; tests may use an in-memory one.
public protocol ScriptMasterData: AnyObject, Sendable {
    var scriptId: String { get }
    var state: ScriptAccess { get }
    /// Durable before it returns: the engine relies on it before every remote write.
    func commit(_ changes: [AccessChange]) throws
    func close()
}

extension ScriptStore: ScriptMasterData {}

/// Hands out open master data per script. The Store's `MasterDataStore` (which keeps stores open for the
/// process) conforms after the merge; `ScriptStoreOpener` opens and closes a store per use.
public protocol MasterDataProvider: Sendable {
    func openScript(_ scriptId: String) throws -> any ScriptMasterData
    /// The caller is done with it: a caching provider keeps it open, others close it.
    func releaseScript(_ data: any ScriptMasterData)
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
}

/// Serializes commits to one script and, in a dry run, keeps every change in memory only, so the
/// same code path runs live and dry without persisting anything.
final class ScriptSession: @unchecked Sendable {
    let scriptId: String
    let dryRun: Bool
    private let data: any ScriptMasterData
    private let provider: any MasterDataProvider
    private let lock = NSLock()
    private var shadow: ScriptAccess?

    init(_ data: any ScriptMasterData, provider: any MasterDataProvider, dryRun: Bool) {
        self.data = data; self.provider = provider; self.scriptId = data.scriptId; self.dryRun = dryRun
        self.shadow = dryRun ? data.state : nil
    }

    var state: ScriptAccess {
        lock.lock(); defer { lock.unlock() }
        return shadow ?? data.state
    }

    func commit(_ changes: [AccessChange]) throws {
        guard !changes.isEmpty else { return }
        lock.lock(); defer { lock.unlock() }
        if shadow != nil { shadow!.apply(changes: changes) } else { try data.commit(changes) }
    }

    func close() { provider.releaseScript(data) }
}

extension ScriptAccess {
    mutating func apply(changes: [AccessChange]) { for c in changes { apply(c) } }
}
