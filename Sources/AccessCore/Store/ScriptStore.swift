import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a `ScriptStore` behaves; the defaults suit both the console and the sync daemon.
public struct StoreOptions: Sendable {
    /// Compact (new snapshot, empty journal) at open and close once the journal holds more lines than this.
    /// Replay costs about 50 µs a line, so 1000 lines add about 50 ms to a load.
    public var compactAfterLines: Int
    /// ... or more bytes than this: one line can be large (a bootstrap holds the whole remote list), and
    /// replay reads about 10 MB/s where the snapshot codec reads ten times that.
    public var compactAfterBytes: Int
    /// How long `open` waits for another process's lock before failing with `StoreError.locked`.
    /// 0 (the default) fails at once: a second writer should say so, not hang.
    public var lockWait: TimeInterval

    public init(compactAfterLines: Int = 1000, compactAfterBytes: Int = 256 << 10, lockWait: TimeInterval = 0) {
        self.compactAfterLines = compactAfterLines; self.compactAfterBytes = compactAfterBytes; self.lockWait = lockWait
    }
}

/// The durable master data of one script: `masterData/{scriptId}.json` (snapshot) plus an append-only
/// journal beside it. Holds an exclusive per-script file lock while open.
/// Thread-safe: every method may be called from any thread or task. Commits that arrive together share
/// one fsync (group commit): the journal is append-only, so one flush makes every earlier line durable.
// unchecked: two NSLocks guard the vars (`mutex` the state, `flushMutex` the fsync); group commit holds one without the other, which one Mutex cannot say.
public final class ScriptStore: @unchecked Sendable {
    public let scriptId: String
    public let snapshotPath: String
    public let journalPath: String
    /// `{script}.generation`: see `StoreGeneration`.
    let generationPath: String
    public let options: StoreOptions

    /// Guards the in-memory state and the journal's end. Never held during fsync.
    private let mutex = NSLock()
    /// Held while flushing, and by compaction and close (taken before `mutex`), so the descriptor
    /// stays valid under a flush.
    private let flushMutex = NSLock()
    /// The newest sequence known to be on disk (guarded by `flushMutex`).
    private var durableSequence: Int
    /// Set when a flush failed: the kernel may have dropped the data, so later flushes prove nothing.
    private var flushFailure: String?
    private var current: ScriptAccess
    private var sequence: Int
    private var journalLines: Int
    private var journalBytes: Int
    private var journalFD: Int32
    private var lock: FileLock?
    /// The sequence the generation file names now.
    private var markedSequence: Int
    private let encoder = StoreJSON.encoder()
    private let decoder = StoreJSON.decoder()

    /// Opens (creating when absent) and loads snapshot + journal replay. Throws `StoreError`.
    public static func open(directory: URL, scriptId: String) throws -> ScriptStore {
        try open(directory: directory, scriptId: scriptId, options: StoreOptions())
    }

    /// Locks `{name}.lock`, reads the snapshot, replays the journal (truncating a torn last line),
    /// and compacts when the journal is long or the snapshot is missing.
    public static func open(directory: URL, scriptId: String, options: StoreOptions) throws -> ScriptStore {
        guard !scriptId.isEmpty else { throw StoreError.io(path: directory.path, detail: "empty script id") }
        try DurableFile.createDirectory(directory)
        let base = directory.appendingPathComponent(ScriptFileName.encode(scriptId)).path
        guard let lock = try FileLock.acquire(path: base + ".lock", wait: options.lockWait) else {
            throw StoreError.locked(path: base + ".lock")
        }
        let snapshotPath = base + ".json"
        let journalPath = base + ".journal"

        let generation = try StoreGeneration.read(base + ".generation", scriptId: scriptId)
        let snapshotBytes = try DurableFile.readAll(snapshotPath)
        let journalBytes = try DurableFile.readAll(journalPath) ?? []
        let (state, sequence, journal) = try DurableFile.withBuffer(snapshotBytes) { snapshot in
            try load(scriptId: scriptId, generation: generation, snapshot: snapshot,
                     at: snapshotPath, journal: journalBytes, at: journalPath, decode: decodeFull)
        }

        let fd = try DurableFile.openFile(journalPath, O_WRONLY | O_APPEND | O_CREAT)
        let store = ScriptStore(scriptId: scriptId, snapshotPath: snapshotPath, journalPath: journalPath,
                                options: options, state: state, sequence: sequence, lock: lock, journalFD: fd,
                                journalLines: journal.lines.count, journalBytes: journal.intactLength,
                                markedSequence: generation?.sequence ?? -1)
        if journal.intactLength < journalBytes.count {
            guard ftruncate(fd, off_t(journal.intactLength)) == 0 else {
                throw StoreError.io(path: journalPath, detail: "cannot cut the torn last line: \(DurableFile.errnoText())")
            }
            try DurableFile.sync(fd, path: journalPath)
        }
        if snapshotBytes == nil || store.journalIsLong {
            try store.compact()
        }
        return store
    }

    /// What a reader that only shows the data needs. `.display` leaves out what only a sync reads: the
    /// processed transaction ids (empty) and all but the newest history entry of each user (what
    /// `export` and the queue commands show). `.queues` leaves out the users too (empty): the queues and
    /// run marks, for `/metrics`, the alerts and the fix pages, which at 100k users would otherwise
    /// read 100k users to count a dozen queue items. Both load in a fraction of the time.
    public enum PeekDetail: Sendable { case full, display, queues }

    /// The script's state as the files hold it now, for readers (the console, `queue list`): no lock
    /// taken, nothing created or cut, so it works while a sync holds the script. The journal is read
    /// before the snapshot: a compaction between the two reads then leaves lines the snapshot already
    /// holds (skipped by their `seq`), never a snapshot older than a journal already emptied. A line
    /// being written is torn at the end and ignored.
    public static func peek(directory: URL, scriptId: String, detail: PeekDetail = .full) throws -> ScriptAccess {
        var state: ScriptAccess = try peek(directory: directory, scriptId: scriptId) { bytes in
            let snapshot = try SnapshotCodec.decode(bytes, detail: detail)
            return (snapshot.state, snapshot.journalSequence)
        }
        // The journal's ids and users too: empty, never partial.
        if detail != .full { state.processedTransactions = [] }
        if detail == .queues { state.users = [:] }
        return state
    }

    /// The script as the console shows it (see `ScriptSummary`), read the way `peek` reads.
    public static func peekSummary(directory: URL, scriptId: String) throws -> ScriptSummary {
        try peek(directory: directory, scriptId: scriptId, decode: SnapshotCodec.decodeSummary)
    }

    private static func peek<State: StoreReadable>(directory: URL, scriptId: String,
                                                   decode: (UnsafeBufferPointer<UInt8>) throws -> (State, Int)) throws -> State {
        let base = directory.appendingPathComponent(ScriptFileName.encode(scriptId)).path
        let journalPath = base + ".journal", snapshotPath = base + ".json"
        // The marker first: it never names more than the files held when it was written, and they only grow.
        let generation = try StoreGeneration.read(base + ".generation", scriptId: scriptId)
        let journalBytes = try DurableFile.readAll(journalPath) ?? []
        return try DurableFile.withContents(snapshotPath) { snapshot in
            try load(scriptId: scriptId, generation: generation, snapshot: snapshot,
                     at: snapshotPath, journal: journalBytes, at: journalPath, decode: decode).state
        }
    }

    /// Snapshot plus the journal lines it does not hold yet; the journal's intact part, for `open` to cut to.
    private static func load<State: StoreReadable>(
        scriptId: String, generation: StoreGeneration?, snapshot snapshotBytes: UnsafeBufferPointer<UInt8>?, at snapshotPath: String,
        journal journalBytes: [UInt8], at journalPath: String,
        decode: (UnsafeBufferPointer<UInt8>) throws -> (State, Int)
    ) throws -> (state: State, sequence: Int, journal: JournalReader.Contents) {
        var (state, sequence) = try readSnapshot(scriptId: scriptId, snapshotBytes, at: snapshotPath, decode: decode)
        let journal: JournalReader.Contents
        do {
            journal = try JournalReader.read(journalBytes, path: journalPath, snapshotSequence: sequence, decoder: StoreJSON.decoder())
        } catch StoreError.corrupt(let path, let detail) {
            throw StoreError.corrupt(path: path, detail: "\(detail) (\(CommandHint.store("repair", script: scriptId)) keeps the lines before it and sets the rest aside)")
        }
        let newer = journal.lines.filter { $0.seq > sequence }
        state.apply(newer.flatMap(\.changes))
        sequence = newer.last?.seq ?? sequence
        if let generation, generation.scriptId == scriptId, sequence < generation.sequence {
            let what = snapshotBytes == nil ? "the snapshot is missing" : "the snapshot and journal end at change \(sequence)"
            throw StoreError.corrupt(path: snapshotPath, detail: "master data was lost: \(what) but the store had reached change "
                + "\(generation.sequence); nothing is written, so old purchases are not applied again "
                + "(\(CommandHint.store("rebuild", script: scriptId)) starts again from TradingView's list)")
        }
        return (state, sequence, journal)
    }

    /// The snapshot's state and the last journal seq it holds; an empty state at seq 0 when there is none.
    static func readSnapshot(scriptId: String, _ bytes: [UInt8]?, at snapshotPath: String) throws -> (ScriptAccess, Int) {
        try DurableFile.withBuffer(bytes) { try readSnapshot(scriptId: scriptId, $0, at: snapshotPath, decode: decodeFull) }
    }

    private static func decodeFull(_ bytes: UnsafeBufferPointer<UInt8>) throws -> (ScriptAccess, Int) {
        let snapshot = try SnapshotCodec.decode(bytes)
        return (snapshot.state, snapshot.journalSequence)
    }

    private static func readSnapshot<State: StoreReadable>(scriptId: String, _ bytes: UnsafeBufferPointer<UInt8>?, at snapshotPath: String,
                                                           decode: (UnsafeBufferPointer<UInt8>) throws -> (State, Int)) throws -> (State, Int) {
        guard let bytes else { return (State(emptyScript: scriptId), 0) }
        let snapshot: (state: State, sequence: Int)
        do {
            snapshot = try decode(bytes)
        } catch let e as JSONReadError {
            throw StoreError.corrupt(path: snapshotPath, detail: "line \(lineNumber(of: e.offset, in: bytes)): \(e.message)")
        } catch let e as SnapshotChecksumError {
            throw StoreError.corrupt(path: snapshotPath, detail: "the snapshot was changed after it was written (\(e.detail): a byte "
                + "changed, or a line added or removed); nothing is read from it (\(CommandHint.store("repair", script: scriptId)) "
                + "sets it aside, then \(CommandHint.store("rebuild", script: scriptId)) starts again from TradingView's list)")
        }
        guard snapshot.state.scriptId == scriptId else {
            throw StoreError.corrupt(path: snapshotPath, detail: "holds script \(snapshot.state.scriptId), expected \(scriptId)")
        }
        return snapshot
    }

    private init(scriptId: String, snapshotPath: String, journalPath: String, options: StoreOptions,
                 state: ScriptAccess, sequence: Int, lock: FileLock, journalFD: Int32, journalLines: Int, journalBytes: Int,
                 markedSequence: Int) {
        self.scriptId = scriptId; self.snapshotPath = snapshotPath; self.journalPath = journalPath
        self.generationPath = String(journalPath.dropLast(".journal".count)) + ".generation"
        self.markedSequence = markedSequence
        self.options = options; self.current = state; self.sequence = sequence; self.lock = lock
        self.journalFD = journalFD; self.journalLines = journalLines; self.journalBytes = journalBytes
        self.durableSequence = sequence
    }

    deinit { close() }

    /// The current state (snapshot + every committed change).
    public var state: ScriptAccess { mutex.withLock { current } }

    /// Runs `body` on the current state under the store's lock. For lookups on write paths: a copy
    /// of `state` held while another task commits makes that commit copy every user (copy-on-write),
    /// which would make a change cost grow with the script's size.
    public func read<T>(_ body: (ScriptAccess) throws -> T) rethrows -> T {
        try mutex.withLock { try body(current) }
    }

    /// Journal lines not yet folded into the snapshot.
    public var pendingJournalLines: Int { mutex.withLock { journalLines } }

    /// Appends the changes to the journal as one unit and applies them in memory. Cost does not grow
    /// with the number of users.
    /// - `.durable` (the default): on disk (fsynced) before it returns.
    /// - `.deferred`: written (a killed process loses nothing) and on disk with the next durable commit
    ///   or the system's own writeback. Only for changes whose loss in a power cut is harmless: a write's
    ///   result (its durable intent is settled against TradingView's list on the next start), or the
    ///   last-processed marker (an older one only makes the next run read a little more).
    public func commit(_ changes: [AccessChange], durability: CommitDurability = .durable) throws {
        guard !changes.isEmpty else { return }
        let written: Int = try mutex.withLock {
            guard journalFD >= 0 else { throw StoreError.io(path: journalPath, detail: "store is closed") }
            var line = JournalLine(seq: sequence + 1, changes: changes)
            var bytes: [UInt8]
            do {
                bytes = try JournalCodec.encode(line, encoder: encoder)
                // Apply what replay will read back, so live state equals reloaded state (dates to the ms).
                line = try bytes.withUnsafeBufferPointer { try JournalCodec.decode($0, decoder: decoder) }
            } catch {
                throw StoreError.io(path: journalPath, detail: "cannot encode change: \(StoreJSON.describe(error))")
            }
            bytes.append(0x0A)
            do {
                try bytes.withUnsafeBytes { try DurableFile.writeAll(journalFD, $0, path: journalPath) }
            } catch {
                // Cut a partial write so the next commit does not land behind a corrupt line.
                _ = ftruncate(journalFD, off_t(journalBytes))
                throw error
            }
            for change in line.changes { current.apply(change) }
            sequence = line.seq
            journalLines += 1
            journalBytes += bytes.count
            return line.seq
        }
        if durability == .durable { try flush(through: written) }
    }

    /// Makes every line up to `target` durable. Whoever flushes takes all lines written so far with it,
    /// so commits waiting here behind a flush usually find their line already on disk.
    private func flush(through target: Int) throws {
        try flushMutex.withLock {
            if let failure = flushFailure { throw StoreError.io(path: journalPath, detail: failure) }
            guard durableSequence < target else { return }
            let (fd, newest) = mutex.withLock { (journalFD, sequence) }
            guard fd >= 0 else { throw StoreError.io(path: journalPath, detail: "store is closed") }
            do {
                try DurableFile.sync(fd, path: journalPath)
            } catch let StoreError.io(_, detail) {
                flushFailure = "an earlier flush failed (\(detail)): reopen the store"
                throw StoreError.io(path: journalPath, detail: detail)
            }
            durableSequence = newest
        }
    }

    /// Writes a new snapshot (temp file, fsync, rename, fsync directory) and then empties the journal.
    public func compact() throws {
        try flushMutex.withLock { try mutex.withLock { try compactLocked() } }
    }

    /// Compacts when the journal is longer than `options` allow: for long-lived processes
    /// to call at a quiet moment (end of a sync run).
    public func compactIfNeeded() throws {
        try flushMutex.withLock {
            try mutex.withLock { if journalIsLongLocked { try compactLocked() } }
        }
    }

    var journalIsLong: Bool { mutex.withLock { journalIsLongLocked } }

    private var journalIsLongLocked: Bool {
        journalLines > options.compactAfterLines || journalBytes > options.compactAfterBytes
    }

    private func compactLocked() throws {
        guard journalFD >= 0 else { throw StoreError.io(path: journalPath, detail: "store is closed") }
        let bytes: [UInt8]
        do {
            bytes = try SnapshotCodec.encode(current, journalSequence: sequence)
        } catch {
            throw StoreError.io(path: snapshotPath, detail: "cannot encode snapshot: \(StoreJSON.describe(error))")
        }
        try DurableFile.replace(snapshotPath, with: bytes)
        // The snapshot now holds every line (its journalSequence says so): emptying the journal is safe,
        // and a crash before this point only leaves lines that replay skips.
        guard ftruncate(journalFD, 0) == 0 else {
            throw StoreError.io(path: journalPath, detail: "cannot empty after compaction: \(DurableFile.errnoText())")
        }
        try DurableFile.sync(journalFD, path: journalPath)
        journalLines = 0
        journalBytes = 0
        durableSequence = sequence
        markGeneration(sequence)
    }

    /// Records `sequence` (on disk) in the generation file when it is newer than what the file says.
    private func markGeneration(_ sequence: Int) {
        guard sequence > markedSequence, sequence > 0 else { return }
        StoreGeneration.write(StoreGeneration(scriptId: scriptId, sequence: sequence), to: generationPath)
        markedSequence = sequence
    }

    /// Compacts if the journal is long, then releases the journal and the lock. Also done on deinit.
    /// Deferred lines are not flushed here: they are written, and each is safe to lose (see `commit`),
    /// so waiting for the disk would only slow the end of every run. A failed compaction loses nothing
    /// (the journal still holds every change), so it is not reported.
    public func close() {
        flushMutex.lock(); defer { flushMutex.unlock() }
        mutex.withLock {
            guard journalFD >= 0 else { return }
            if journalIsLongLocked { try? compactLocked() }
            markGeneration(durableSequence)
            DurableFile.closeFile(journalFD)
            journalFD = -1
            lock?.release()
            lock = nil
        }
    }

    public var isClosed: Bool { mutex.withLock { journalFD < 0 } }

    private static func lineNumber(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var line = 1
        for b in bytes[0..<min(offset, bytes.count)] where b == 0x0A { line += 1 }
        return line
    }
}

/// When a commit must be on disk: see `ScriptStore.commit(_:durability:)`.
public enum CommitDurability: Sendable {
    case durable
    case deferred
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
