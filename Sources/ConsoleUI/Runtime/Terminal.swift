import CNCurses
import Foundation

/// What the terminal reported.
enum TerminalInput: Equatable {
    case key(Key)
    case resize
}

public struct TerminalError: Error, CustomStringConvertible {
    public var description: String
}

/// The ncurses backend: flushes Screens (only cells that changed) and decodes keys. Owned by one
/// thread; curses is not thread-safe.
final class Terminal {
    static let keyTimeoutMs: Int32 = 100
    let color: Bool
    private var previous: Screen?
    private var pairs: [Int: Int16] = [:]
    private let maxPairs: Int
    private var ended = false
    /// Keys decoded ahead (Esc and the key typed right after it), handed out before reading more.
    private var pending: [Key] = []
    /// A resize read while decoding an escape sequence, given back by the next `read`.
    private var resizePending = false

    init(color wanted: Bool, stderrPath: String) throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw TerminalError(description: "the console needs a terminal: stdin and stdout must be a TTY (use the CLI commands in scripts)")
        }
        _ = cnc_redirect_stderr(stderrPath)
        let r = cnc_begin(25, Self.keyTimeoutMs, wanted ? 1 : 0)
        guard r >= 0 else {
            cnc_restore_stderr()
            throw TerminalError(description: "could not start curses: is TERM (\(ProcessInfo.processInfo.environment["TERM"] ?? "unset")) a known terminal?")
        }
        color = r == 1
        maxPairs = Int(cnc_color_pairs())
    }

    deinit { end() }

    func end() {
        guard !ended else { return }
        ended = true
        cnc_end()
    }

    var size: Size { Size(width: Int(cnc_cols()), height: Int(cnc_lines())) }

    /// Waits up to the key timeout (or not at all when `wait` is false) for one key.
    func read(wait: Bool = true) -> TerminalInput? {
        if resizePending { resizePending = false; return .resize }
        if !pending.isEmpty { return .key(pending.removeFirst()) }
        if !wait { cnc_set_timeout(0) }
        defer { if !wait { cnc_set_timeout(Self.keyTimeoutMs) } }
        var value: UInt32 = 0
        switch Int(cnc_read_key(&value)) {
        case Int(CNC_KEY_RESIZE): return .resize
        case Int(CNC_KEY_FUNCTION): return .key(.function(Int(value)))
        case Int(CNC_KEY_SPECIAL): return KeyDecoder.special(value).map { .key($0) }
        case Int(CNC_KEY_CHAR) where value == 27:
            pending += escapeSequence()
            return pending.isEmpty ? nil : .key(pending.removeFirst())
        case Int(CNC_KEY_CHAR): return KeyDecoder.char(value).map { .key($0) }
        default: return nil
        }
    }

    /// Reads what already followed an ESC (a terminal writes a sequence at once) and decodes it.
    private func escapeSequence() -> [Key] {
        cnc_set_timeout(0)
        defer { cnc_set_timeout(Self.keyTimeoutMs) }
        var tail: [UInt32] = []
        while tail.count < 16, !EscapeSequence.isComplete(tail) {
            var value: UInt32 = 0
            let kind = Int(cnc_read_key(&value))
            // A resize right after Esc (a window resized as Esc is pressed) must not be lost with the tail.
            if kind == Int(CNC_KEY_RESIZE) { resizePending = true; break }
            guard kind == Int(CNC_KEY_CHAR) else { break }
            tail.append(value)
        }
        return EscapeSequence.decode(tail)
    }

    /// Blocks until the terminal has input (or a resize signal arrives), `fd` is readable, or the
    /// timeout passes. Keys decoded ahead count as input.
    func waitForInput(timeoutMs: Int32, orReadable fd: Int32) {
        guard pending.isEmpty, !resizePending else { return }
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 2, max(0, timeoutMs))
    }

    /// Draws the cells that differ from the last frame, then refreshes once.
    func flush(_ screen: Screen) {
        if previous?.size != screen.size {
            _ = cnc_clear()
            previous = nil
        }
        let w = screen.size.width
        var scalars: [UInt32] = []
        for y in 0..<screen.size.height {
            for x in 0..<w {
                let cell = screen[x, y]
                if cell.isContinuation { continue }
                if let p = previous, p[x, y] == cell { continue }
                scalars.removeAll(keepingCapacity: true)
                for s in cell.char.unicodeScalars { scalars.append(s.value) }
                // Writing the very last cell would scroll some terminals; curses handles it, errors are harmless.
                _ = cnc_put_cell(Int32(y), Int32(x), scalars, Int32(scalars.count), styleBits(cell.style), pair(cell.style))
            }
        }
        previous = screen
        _ = cnc_refresh()
    }

    /// Forgets the last frame, so the next flush redraws everything (after a resize or ctrl-l).
    func invalidate() { previous = nil }

    private func styleBits(_ s: Style) -> Int32 {
        var bits: Int32 = 0
        if s.bold { bits |= Int32(CNC_BOLD) }
        if s.reverse { bits |= Int32(CNC_REVERSE) }
        if s.underline { bits |= Int32(CNC_UNDERLINE) }
        if s.dim { bits |= Int32(CNC_DIM) }
        return bits
    }

    private func pair(_ s: Style) -> Int16 {
        guard color, s.fg != .default || s.bg != .default else { return 0 }
        let key = (s.fg.rawValue + 1) * 16 + (s.bg.rawValue + 1)
        if let p = pairs[key] { return p }
        guard pairs.count + 1 < maxPairs else { return 0 }
        let p = Int16(pairs.count + 1)
        _ = cnc_init_pair(p, Int16(s.fg.rawValue), Int16(s.bg.rawValue))
        pairs[key] = p
        return p
    }

    /// OSC 52: the terminal (even over SSH, or through tmux with set-clipboard) puts text on the clipboard.
    func copyToClipboard(_ text: String) {
        let seq = "\u{1b}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
        _ = seq.withCString { cnc_write_raw($0, Int32(strlen($0))) }
    }
}

/// Maps curses key codes to Keys.
enum KeyDecoder {
    static func char(_ v: UInt32) -> Key? {
        switch v {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(v + 96)!))
        case 0..<32: return nil
        default:
            guard let s = Unicode.Scalar(v) else { return nil }
            return .char(Character(s))
        }
    }

    static func special(_ v: UInt32) -> Key? {
        switch Int(v) {
        case Int(CNC_SK_UP): return .up
        case Int(CNC_SK_DOWN): return .down
        case Int(CNC_SK_LEFT): return .left
        case Int(CNC_SK_RIGHT): return .right
        case Int(CNC_SK_PGUP): return .pageUp
        case Int(CNC_SK_PGDN): return .pageDown
        case Int(CNC_SK_HOME): return .home
        case Int(CNC_SK_END): return .end
        case Int(CNC_SK_ENTER): return .enter
        case Int(CNC_SK_BTAB): return .backTab
        case Int(CNC_SK_BACKSPACE): return .backspace
        case Int(CNC_SK_DELETE): return .delete
        default: return nil
        }
    }
}
