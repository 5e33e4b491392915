import Foundation
@testable import AccessCore

/// A transport that answers from a closure and remembers every request.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var handler: (HTTPRequest, Int) throws -> HTTPResponse
    private var recorded: [HTTPRequest] = []

    init(_ handler: @escaping (HTTPRequest, Int) throws -> HTTPResponse) { self.handler = handler }

    var requests: [HTTPRequest] { lock.withLock { recorded } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let (index, handler) = lock.withLock { () -> (Int, (HTTPRequest, Int) throws -> HTTPResponse) in
            recorded.append(request)
            return (recorded.count, self.handler)
        }
        return try handler(request, index)
    }
}

/// Time that only moves when someone sleeps: retry tests run instantly and can read the waits.
final class VirtualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double = 1_000_000
    private var slept: [Double] = []

    var sleeps: [Double] { lock.withLock { slept } }
    var now: Double { lock.withLock { current } }

    var timing: RetryTiming {
        RetryTiming(now: { self.now },
                    sleep: { seconds in
                        self.lock.withLock {
                            if seconds > 0 { self.slept.append(seconds); self.current += seconds }
                        }
                    },
                    random: { 1.0 })
    }
}

struct FixedCookies: CookieProvider {
    var cookies: SessionCookies?
    func currentCookies() -> SessionCookies? { cookies }
}

func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> HTTPResponse {
    HTTPResponse(status: status, headers: headers, body: Data(text.utf8))
}

func formFields(_ body: Data?) -> [String: String] {
    var fields: [String: String] = [:]
    for pair in String(decoding: body ?? Data(), as: UTF8.self).split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
        fields[parts[0]] = parts.count > 1 ? parts[1] : ""
    }
    return fields
}

func header(_ request: HTTPRequest, _ name: String) -> String? {
    request.headers.last { $0.name.lowercased() == name.lowercased() }?.value
}
