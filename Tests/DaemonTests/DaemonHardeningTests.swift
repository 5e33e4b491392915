import AccessCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 20.9 and 20.10: /ready probes a real write, and a half-sent request does not hold a connection.
@Suite struct DaemonHardeningTests {
    @Test func readyProbesARealWrite() async throws {
        try await withDaemon { (d: DaemonHarness) async throws in
            let (ok, _) = try await d.request("GET", "/ready")
            #expect(ok == 200)
            // The probe's own file taken by a folder: the folder still says "writable", a write fails.
            let probe = d.dir.appendingPathComponent("masterData/.ready-probe")
            try FileManager.default.createDirectory(at: probe, withIntermediateDirectories: false)
            let (status, body) = try await d.request("GET", "/ready")
            #expect(status == 503, "\(String(decoding: body, as: UTF8.self))")
            #expect(String(decoding: body, as: UTF8.self).contains("master_data: cannot write"))
            try FileManager.default.removeItem(at: probe)
            #expect(try await d.request("GET", "/ready").0 == 200)
        }
    }

    @Test func aHalfSentRequestIsCutOff() async throws {
        try await withDaemon(start: false) { (d: DaemonHarness) async throws in
            try await d.start(extra: ["--idle-timeout-ms", "300"])
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #expect(fd >= 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(d.port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            #expect(connected == 0)
            let half = Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)
            #expect(send(fd, half, half.count, 0) == half.count)
            // A receive limit far above the idle timeout: the test fails instead of hanging if nothing closes.
            var limit = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 512)
            let got = recv(fd, &buffer, buffer.count, 0)
            #expect(got == 0, "the daemon closed the connection (recv \(got), errno \(errno))")
        }
    }
}

/// Issue 20.8: wrong-key webhooks are counted in /metrics and logged once per window, not once each.
@Suite struct WebhookRefusalTests {
    @Test func wrongKeysAreCountedNotLoggedEach() async throws {
        try await withDaemon { (d: DaemonHarness) async throws in
            for i in 0..<40 {
                #expect(try await d.webhook("transaction-completed", id: 9_000 + i, key: "wrong-key-\(i)") == 401)
            }
            let metrics = String(decoding: try await d.request("GET", "/metrics").1, as: UTF8.self)
            #expect(metrics.contains("accessconsole_webhook_refused_total{reason=\"key\"} 40"), "\(metrics)")
            _ = try await eventually("the refusal line") { d.events("webhook.refused") >= 1 ? true : nil }
            // The /metrics answer came after the 40 requests were handled, and their events before it.
            #expect(d.events("webhook.refused") == 1, "\(d.outputText)")
            let log = try String(contentsOf: d.dir.appendingPathComponent("logs/sync.log"), encoding: .utf8)
            #expect(log.components(separatedBy: "\"event\":\"webhook.refused\"").count - 1 == 1)
        }
    }
}

/// Issue 20.12: SIGTERM is logged when it arrives, before the stop's own lines.
@Suite struct SignalNoticeTests {
    @Test func sigtermIsLoggedWhenItArrives() async throws {
        try await withDaemon { (d: DaemonHarness) async throws in
            let result = await d.terminate(limit: 30)
            #expect(result?.0 == 0)
            let lines = d.outputText.split(separator: "\n")
            let received = lines.firstIndex { $0.contains("SIGTERM received: stopping") }
            let stopped = lines.firstIndex { $0.contains("\"event\":\"daemon.stopped\"") }
            #expect(received != nil, "\(d.outputText)")
            if let received, let stopped { #expect(received < stopped) }
        }
    }
}
