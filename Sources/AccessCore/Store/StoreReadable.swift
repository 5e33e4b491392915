/// What a script's files are read into: the whole `ScriptAccess` (a sync, the CLI's readers) or a
/// `ScriptSummary` (the console). `ScriptStore` reads both the same way: snapshot, then the journal
/// lines it does not hold yet.
protocol StoreReadable {
    var scriptId: String { get }
    /// The state of a script whose files hold nothing yet.
    init(emptyScript scriptId: String)
    mutating func apply(_ changes: [AccessChange])
}

extension ScriptAccess: StoreReadable {
    init(emptyScript scriptId: String) { self.init(scriptId: scriptId) }
    mutating func apply(_ changes: [AccessChange]) { for change in changes { apply(change) } }
}

extension ScriptSummary: StoreReadable {
    init(emptyScript scriptId: String) { self.init(ScriptAccess(scriptId: scriptId)) }
}
