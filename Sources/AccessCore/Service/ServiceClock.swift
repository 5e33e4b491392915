import Foundation

/// The daemon's "now" for alert timing. In production the system clock; a test points it at a file
/// holding UNIX seconds (`--clock-file`) and moves time on by rewriting the file.
public struct ServiceClock: Sendable {
    let file: String?
    public init(file: String? = nil) { self.file = file }

    public func now() -> Date {
        guard let file, let data = FileManager.default.contents(atPath: file),
              let seconds = Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else { return Date() }
        return Date(timeIntervalSince1970: seconds)
    }
}
