import Foundation

/// A run's progress as one line for a terminal (bar) or a log (plain): done/total, rate and ETA,
/// all from the engine's `RunProgress`.
public enum ProgressLine {
    public static func bar(_ p: RunProgress, width: Int = 24) -> String {
        let fraction = p.total > 0 ? min(1, Double(p.done) / Double(p.total)) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        return "\(p.kind.rawValue) [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            + "] " + figures(p)
    }

    public static func plain(_ p: RunProgress) -> String { "\(p.kind.rawValue) " + figures(p) }

    static func figures(_ p: RunProgress) -> String {
        let percent = p.total > 0 ? " (\(p.done * 100 / p.total)%)" : ""
        var out = "\(p.done)/\(p.total)\(percent)"
        if let perMinute = p.ratePerMinute, perMinute > 0 {
            out += String(format: " %.1f/s", perMinute / 60)
            out += " ETA " + duration(Double(max(0, p.total - p.done)) / (perMinute / 60))
        }
        return out
    }

    /// `42s`, `3m05s`, `1h02m`.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }
}
