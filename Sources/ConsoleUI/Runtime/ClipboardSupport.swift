import Foundation

/// Whether `y`'s OSC 52 copy can reach a clipboard. Inside tmux it does only with `set-clipboard`
/// on (or external); elsewhere the terminal decides, and most allow it.
public enum ClipboardSupport: Sendable, Equatable {
    case osc52
    case tmuxBlocks

    /// Asks tmux once, at start (before curses): `tmux show-options -gv set-clipboard`.
    public static func detect(environment: [String: String] = ProcessInfo.processInfo.environment) -> ClipboardSupport {
        guard environment["TMUX"] != nil else { return .osc52 }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["tmux", "show-options", "-gv", "set-clipboard"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return .tmuxBlocks }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return fromTmuxSetting(String(decoding: data, as: UTF8.self))
    }

    static func fromTmuxSetting(_ value: String) -> ClipboardSupport {
        let v = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return v == "on" || v == "external" ? .osc52 : .tmuxBlocks
    }
}
