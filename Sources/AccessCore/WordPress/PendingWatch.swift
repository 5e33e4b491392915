import Foundation

/// Payments seen pending (`masterData/.memberpress-watch`): a bank transfer or offline payment is created
/// hours or days before it completes, and keeps its `created_at`, so a read by date would pass it by.
/// Each is re-read by id every run until it completes, fails or ages out; a completed one stays until
/// the engine acknowledges that master data handled it, so a run killed in between reads it again.
public struct PendingWatchFile: Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var createdAt: Date
        /// A final status was seen and handed to a run; kept until acknowledged.
        public var settled: Bool
    }

    public let path: String
    /// How long a payment may stay pending before it is no longer re-read (`wordpress.pending_max_days`).
    public let maxAge: TimeInterval

    public init(path: String, maxAge: TimeInterval = 14 * 86_400) { self.path = path; self.maxAge = maxAge }

    /// The watched ids; an unreadable file is empty plus a note naming it (it is rewritten at the next save).
    public func load() -> ([String: Entry], SourceNote?) {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return ([:], nil) }
        guard data.count <= 8 << 20, let entries = try? Self.decoder.decode([String: Entry].self, from: data) else {
            return ([:], SourceNote(.incomplete, "\(path) is unreadable: payments pending before this run are no longer re-read; "
                                       + "check recent pending payments in MemberPress"))
        }
        return (entries, nil)
    }

    /// Atomic replace; a failure is a note (the next run reads by date and re-reads what it still knows).
    public func save(_ entries: [String: Entry]) -> SourceNote? {
        do {
            let data = try Self.encoder.encode(entries)
            try DurableFile.replace(path, with: [UInt8](data))
            return nil
        } catch {
            return SourceNote(.incomplete, "could not write \(path): \(error)")
        }
    }

    /// Drops acknowledged ids.
    public func acknowledge(_ ids: Set<String>) {
        guard !ids.isEmpty else { return }
        var (entries, _) = load()
        let before = entries.count
        for id in ids where entries[id]?.settled == true { entries[id] = nil }
        if entries.count != before { _ = save(entries) }
    }

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; e.dateEncodingStrategy = TimeText.jsonEncoding; return e
    }()
    private static let decoder: JSONDecoder = {
        let d = JSONDecoder(); d.dateDecodingStrategy = TimeText.jsonDecoding; return d
    }()
}
