import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `ScriptStore.repair` did: which lines it kept, where it put the rest, and what they held.
public struct StoreRepairReport: Sendable {
    public var scriptId = ""
    public var journalPath: String
    /// Journal lines kept (the intact prefix).
    public var keptLines: Int
    /// The first damaged line and what is wrong with it; nil when the journal was intact.
    public var damagedLine: Int?
    public var damage: String?
    /// The file holding the set-aside bytes, beside the journal; nil when nothing was set aside.
    public var quarantinePath: String?
    /// One summary per set-aside line (`line 7, seq 12: upsertUser Alice, markProcessed tx-9`), as far as
    /// each can still be read; these changes are no longer in the master data.
    public var lost: [String]
    /// The set-aside lines recorded processed purchases or granted users: the store stays closed until
    /// `store rebuild` (a sync would otherwise apply those purchases a second time).
    public var lostProcessed = false
    /// The generation marker, written again because it could not be read; nil when it was fine.
    public var rewroteMarker: String?
    /// A snapshot that did not read (its checksum failed, or its JSON): why, and where it went with the
    /// journal whose lines build on it. The store then stays closed until `store rebuild`.
    public var snapshotDamage: String?
    public var snapshotQuarantine: [String] = []

    public var repaired: Bool { quarantinePath != nil || !snapshotQuarantine.isEmpty }
}

extension ScriptStore {
    /// Keeps the journal's intact prefix and moves everything from the first damaged line on into
    /// `{journal}.damaged-{time}` beside it, so the store opens again. Nothing is deleted: the set-aside
    /// lines are listed in the report for a person to redo by hand (or to ask TradingView with resync).
    /// Takes the script's lock. A damaged snapshot (see `setAsideDamagedSnapshot`) cannot be repaired:
    /// what it held is not known any more.
    public static func repair(directory: URL, scriptId: String, now: Date = Date()) throws -> StoreRepairReport {
        let base = directory.appendingPathComponent(ScriptFileName.encode(scriptId)).path
        guard let lock = try FileLock.acquire(path: base + ".lock", wait: 0) else { throw StoreError.locked(path: base + ".lock") }
        defer { lock.release() }
        let snapshotPath = base + ".json", journalPath = base + ".journal"
        let sequence: Int
        do {
            (_, sequence) = try readSnapshot(scriptId: scriptId, try DurableFile.readAll(snapshotPath), at: snapshotPath)
        } catch StoreError.corrupt(let path, let detail) where path == snapshotPath {
            // The damage without its way out (this is it).
            let damage = detail.components(separatedBy: "; nothing is read from it").first ?? detail
            return try setAsideDamagedSnapshot(base: base, directory: directory, scriptId: scriptId, damage: damage, now: now)
        }
        let bytes = try DurableFile.readAll(journalPath) ?? []
        let (contents, damage) = JournalReader.scan(bytes, snapshotSequence: sequence, decoder: StoreJSON.decoder())
        var report = StoreRepairReport(journalPath: journalPath, keptLines: contents.lines.count, damagedLine: damage?.line,
                                       damage: damage?.message, quarantinePath: nil, lost: [])
        report.scriptId = scriptId
        // A garbled generation marker stops every load; what the files hold now is the best there is.
        let markerPath = base + ".generation"
        if FileManager.default.fileExists(atPath: markerPath), StoreGeneration.isUnreadable(markerPath) {
            StoreGeneration.write(StoreGeneration(scriptId: scriptId, sequence: max(sequence, contents.lines.last?.seq ?? 0)),
                                  to: markerPath)
            report.rewroteMarker = markerPath
        }
        guard contents.intactLength < bytes.count else { return report }

        let rest = Array(bytes[contents.intactLength...])
        let stamp = SnapshotDate.string(now).replacingOccurrences(of: ":", with: "")
        let quarantine = "\(journalPath).damaged-\(stamp)"
        try DurableFile.replace(quarantine, with: rest, mode: 0o600)
        let fd = try DurableFile.openFile(journalPath, O_WRONLY)
        defer { DurableFile.closeFile(fd) }
        guard ftruncate(fd, off_t(contents.intactLength)) == 0 else {
            throw StoreError.io(path: journalPath, detail: "cannot cut the damaged lines: \(DurableFile.errnoText())")
        }
        try DurableFile.sync(fd, path: journalPath)
        report.quarantinePath = quarantine
        report.lost = describe(rest, firstLine: (damage?.line ?? contents.lines.count + 1))
        // Lines that marked purchases processed cannot be redone by hand: without them the next sync would
        // apply those purchases again. The generation marker then still names them, so the store stays
        // closed until `store rebuild` compares TradingView with the purchases. Other changes set aside
        // are given up knowingly: the marker must not call them lost.
        report.lostProcessed = report.lost.contains { $0.contains("markProcessed") || $0.contains("upsertUser") || $0.contains("unreadable") }
        if !report.lostProcessed {
            let kept = max(sequence, contents.lines.last?.seq ?? 0)
            StoreGeneration.write(StoreGeneration(scriptId: scriptId, sequence: kept), to: base + ".generation")
        }
        return report
    }

    /// A snapshot that does not read, or whose checksum fails, may miss users or hold changed expiries, and
    /// nothing says which: it goes aside with the journal (its lines are changes to that snapshot) as
    /// `{name}.damaged-{time}`, and the generation marker is kept (or written) naming more than the empty
    /// store holds, so the store stays closed until `store rebuild` compares TradingView with the purchases
    /// (opened empty, the next sync would apply every purchase again).
    private static func setAsideDamagedSnapshot(base: String, directory: URL, scriptId: String, damage: String,
                                                now: Date) throws -> StoreRepairReport {
        let markerPath = base + ".generation"
        let marked = (try? StoreGeneration.read(markerPath, scriptId: scriptId))??.sequence ?? 0
        let journalPath = base + ".journal"
        let stamp = SnapshotDate.string(now).replacingOccurrences(of: ":", with: "")
        var moved: [String] = []
        for path in [base + ".json", journalPath] where FileManager.default.fileExists(atPath: path) {
            let target = "\(path).damaged-\(stamp)"
            guard rename(path, target) == 0 else {
                throw StoreError.io(path: path, detail: "cannot move aside: \(DurableFile.errnoText())")
            }
            moved.append(target)
        }
        try DurableFile.syncDirectory(directory.path)
        var report = StoreRepairReport(journalPath: journalPath, keptLines: 0, damagedLine: nil, damage: nil, quarantinePath: nil, lost: [])
        report.scriptId = scriptId
        report.snapshotDamage = damage
        report.snapshotQuarantine = moved
        report.lostProcessed = true
        if marked < 1 {
            StoreGeneration.write(StoreGeneration(scriptId: scriptId, sequence: 1), to: markerPath)
            report.rewroteMarker = markerPath
        }
        return report
    }

    /// Moves the script's snapshot, journal and generation file aside (`{name}.lost-{time}`) under its
    /// lock, so the store starts empty: for `AccessActions.rebuild`, which refills it from TradingView's
    /// list. Returns the new paths of what it moved.
    public static func setAside(directory: URL, scriptId: String, now: Date) throws -> [String] {
        let base = directory.appendingPathComponent(ScriptFileName.encode(scriptId)).path
        guard let lock = try FileLock.acquire(path: base + ".lock", wait: 0) else { throw StoreError.locked(path: base + ".lock") }
        defer { lock.release() }
        let stamp = SnapshotDate.string(now).replacingOccurrences(of: ":", with: "")
        var moved: [String] = []
        for path in [base + ".json", base + ".journal", base + ".generation"] where FileManager.default.fileExists(atPath: path) {
            let target = "\(path).lost-\(stamp)"
            guard rename(path, target) == 0 else {
                throw StoreError.io(path: path, detail: "cannot move aside: \(DurableFile.errnoText())")
            }
            moved.append(target)
        }
        try DurableFile.syncDirectory(directory.path)
        return moved
    }

    /// A summary of each set-aside line, read without its checksum (it may be the damaged one).
    static func describe(_ rest: [UInt8], firstLine: Int) -> [String] {
        let decoder = StoreJSON.decoder()
        var out: [String] = []
        var number = firstLine
        for raw in rest.split(separator: 0x0A, omittingEmptySubsequences: false) {
            defer { number += 1 }
            guard !raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0 }) else { continue }
            let text = Array(raw)
            if let line = try? text.withUnsafeBufferPointer({ try JournalCodec.decode($0, decoder: decoder) }) {
                out.append("line \(number), seq \(line.seq): " + line.changes.map(\.summary).joined(separator: ", "))
            } else {
                out.append("line \(number): unreadable (\(text.count) bytes)")
            }
        }
        return out
    }
}

extension AccessChange {
    /// The kind and what it is about, for a person reading what a repair set aside.
    var summary: String {
        switch self {
        case .upsertUser(let u): return "upsertUser \(u.username)"
        case .removeUser(let name): return "removeUser \(name)"
        case .appendHistory(let name, let entry): return "appendHistory \(name) \(entry.action)"
        case .markProcessed(let id): return "markProcessed \(id)"
        case .setLastProcessed(let d): return "setLastProcessed \(SnapshotDate.string(d))"
        case .setTitle(let t): return "setTitle \(t)"
        case .setBootstrapped(let b): return "setBootstrapped \(b)"
        case .putRetry(let item): return "putRetry \(item.id) \(item.operation.rawValue) \(item.username)"
        case .dropRetry(let id): return "dropRetry \(id)"
        case .putReview(let item): return "putReview \(item.id) \(item.reason.rawValue)"
        case .dropReview(let id): return "dropReview \(id)"
        case .openIntent(let i): return "openIntent \(i.id) \(i.operation.rawValue) \(i.username)"
        case .closeIntent(let id): return "closeIntent \(id)"
        }
    }
}
