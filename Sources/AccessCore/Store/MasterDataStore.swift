import Foundation

/// The `masterData` folder: one `ScriptStore` per script, opened on first use and kept open (and
/// locked) until `closeAll()`. Safe to share between tasks.
public final class MasterDataStore: @unchecked Sendable {
    public let directory: URL
    public let options: StoreOptions
    private let mutex = NSLock()
    private var stores: [String: ScriptStore] = [:]

    public init(directory: URL, options: StoreOptions = StoreOptions()) {
        self.directory = directory; self.options = options
    }

    /// The open store of `scriptId`, opening (and creating) it on first use. Throws `StoreError`.
    public func open(scriptId: String) throws -> ScriptStore {
        try mutex.withLock {
            if let store = stores[scriptId], !store.isClosed { return store }
            let store = try ScriptStore.open(directory: directory, scriptId: scriptId, options: options)
            stores[scriptId] = store
            return store
        }
    }

    /// Script ids that have master data in the folder, sorted.
    public func knownScriptIds() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var ids = Set<String>()
        for name in names {
            for suffix in [".json", ".journal"] where name.hasSuffix(suffix) {
                if let id = ScriptFileName.decode(String(name.dropLast(suffix.count))) { ids.insert(id) }
            }
        }
        return ids.sorted()
    }

    public func closeAll() {
        let open = mutex.withLock { () -> [ScriptStore] in
            defer { stores = [:] }
            return Array(stores.values)
        }
        for store in open { store.close() }
    }
}
