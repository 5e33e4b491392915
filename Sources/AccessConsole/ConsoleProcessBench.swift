import Foundation

/// Measures the real console binary in tmux: time to first frame and CPU while idle.
enum ConsoleProcessBench {
    static func rows(into table: inout BenchTable) {
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return }
        let session = "acbench\(getpid())"
        guard sh("command -v tmux") == 0 else { table.add("console: tmux", "not installed", "", nil); return }
        let start = ContinuousClock.now
        _ = sh("tmux new-session -d -s \(session) -x 120 -y 40 '\(exe) demo'")
        defer { _ = sh("tmux kill-session -t \(session)") }
        var firstFrame: Double?
        while (ContinuousClock.now - start) < .seconds(20) {
            if let screen = capture("tmux capture-pane -p -t \(session)"), screen.contains("Scripts") { firstFrame = (ContinuousClock.now - start).seconds; break }
            usleep(10_000)
        }
        guard let firstFrame else { table.add("console: startup to first frame", "no frame in 20 s", "", false); return }
        table.add("console: startup to first frame (demo, sandbox included)", String(format: "%.0f ms", firstFrame * 1000), "", nil)
        guard let pidText = capture("tmux list-panes -t \(session) -F '#{pane_pid}'"),
              let pid = Int(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) else { return }
        sleep(1) // let the first loads and the log tail settle
        let t0 = cpuTicks(pid)
        sleep(10)
        let t1 = cpuTicks(pid)
        if let t0, let t1 {
            let percent = Double(t1 - t0) / Double(sysconf(Int32(_SC_CLK_TCK))) / 10 * 100
            table.add("console: CPU while idle for 10 s", String(format: "%.1f%%", percent), "~0 (< 2%)", percent < 2)
        }
        _ = sh("tmux send-keys -t \(session) q")
    }

    static func cpuTicks(_ pid: Int) -> Int? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let u = Int(fields[11]), let s = Int(fields[12]) else { return nil }
        return u + s
    }

    @discardableResult
    static func sh(_ command: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command + " >/dev/null 2>&1"]
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    static func capture(_ command: String) -> String? {
        let p = Process(), pipe = Pipe()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
