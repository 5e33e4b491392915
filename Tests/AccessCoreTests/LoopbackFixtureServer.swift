import Foundation

/// A throwaway HTTP + SMTP server in Python on loopback, for exercising real libcurl (timeouts, resets,
/// retries, SMTP delivery) without the sandbox. Routes:
/// `/echo` (method, headers, body back as JSON), `/slow?s=N`, `/reset` (closes the socket unanswered),
/// `/flaky?key=K&fail=N` (503 with Retry-After: 0 for the first N calls per key), `/mail` (what SMTP got).
final class LoopbackFixtureServer: @unchecked Sendable {
    let process = Process()
    let httpURL: String
    let smtpURL: String

    static let script = #"""
import http.server, json, socket, socketserver, sys, threading, time, urllib.parse, base64
counts = {}; mail = []; lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def reply(self, status, obj, headers={}):
        body = json.dumps(obj).encode()
        self.send_response(status)
        for k, v in headers.items(): self.send_header(k, v)
        self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def handle_any(self):
        u = urllib.parse.urlparse(self.path); q = dict(urllib.parse.parse_qsl(u.query))
        n = int(self.headers.get("Content-Length") or 0); body = self.rfile.read(n) if n else b""
        if u.path == "/echo":
            self.reply(200, {"method": self.command, "headers": {k.lower(): v for k, v in self.headers.items()},
                             "body": body.decode("latin-1"), "query": q}, {"X-Fixture": "Yes"})
        elif u.path == "/slow":
            time.sleep(float(q.get("s", "2"))); self.reply(200, {})
        elif u.path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close(); self.close_connection = True
        elif u.path == "/flaky":
            with lock: counts[q["key"]] = counts.get(q["key"], 0) + 1; c = counts[q["key"]]
            if c <= int(q.get("fail", "1")): self.reply(503, {"detail": "busy"}, {"Retry-After": "0"})
            else: self.reply(200, {"calls": c})
        elif u.path == "/mail":
            with lock: self.reply(200, mail)
        else: self.reply(404, {"detail": "no route"})
    do_GET = do_POST = do_PUT = do_DELETE = handle_any
class S(socketserver.ThreadingMixIn, http.server.HTTPServer): daemon_threads = True
class SMTP(socketserver.StreamRequestHandler):
    def handle(self):
        w = lambda s: (self.wfile.write((s + "\r\n").encode()), self.wfile.flush())
        w("220 fixture ESMTP"); frm = None; rcpt = []
        while True:
            line = self.rfile.readline().decode().rstrip("\r\n")
            if not line: return
            cmd = line.upper()
            if cmd.startswith("EHLO"): w("250-fixture"); w("250 AUTH PLAIN LOGIN")
            elif cmd.startswith("HELO"): w("250 fixture")
            elif cmd.startswith("AUTH PLAIN"):
                parts = line.split(" ")
                if len(parts) > 2: cred = parts[2]
                else: w("334 "); cred = self.rfile.readline().decode().strip()
                user, pw = base64.b64decode(cred).split(b"\0")[1:3]
                w("235 ok" if pw == b"smtp-pass" else "535 bad credentials")
            elif cmd.startswith("MAIL FROM"): frm = line[10:]; w("250 ok")
            elif cmd.startswith("RCPT TO"):
                if "reject" in line: w("550 no such user")
                else: rcpt.append(line[8:]); w("250 ok")
            elif cmd == "DATA":
                w("354 go"); data = []
                while True:
                    l = self.rfile.readline().decode()
                    if l in (".\r\n", ".\n", ""): break
                    data.append(l)
                with lock: mail.append({"from": frm, "to": rcpt, "data": "".join(data)})
                w("250 queued")
            elif cmd == "QUIT": w("221 bye"); return
            else: w("250 ok")
class T(socketserver.ThreadingMixIn, socketserver.TCPServer): daemon_threads = True; allow_reuse_address = True
h = S(("127.0.0.1", 0), H); m = T(("127.0.0.1", 0), SMTP)
threading.Thread(target=m.serve_forever, daemon=True).start()
print(h.server_address[1], m.server_address[1], flush=True)
threading.Thread(target=lambda: (sys.stdin.read(), h.shutdown()), daemon=True).start()
h.serve_forever()
"""#

    init() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString).py")
        try Self.script.write(to: path, atomically: true, encoding: .utf8)
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path.path]
        process.standardOutput = output
        // Closing our end of stdin tells the script to stop, even if the test process dies.
        process.standardInput = Pipe()
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let ports = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard ports.count == 2 else { process.terminate(); throw CocoaError(.fileReadCorruptFile) }
        httpURL = "http://127.0.0.1:\(ports[0])"
        smtpURL = "smtp://127.0.0.1:\(ports[1])"
    }

    /// Kills the script and waits briefly for it. Not `waitUntilExit`: on Linux it spins a run loop.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        for _ in 0..<200 where process.isRunning { usleep(10_000) }
    }
}
