import CCurl
import Foundation

/// HTTP over libcurl, performed on dedicated threads. Easy handles are kept between requests so their
/// connections are reused (keep-alive): a new connection costs a handshake on every call otherwise.
public struct CurlTransport: HTTPTransport {
    public struct Options: Sendable {
        public var connectTimeout: TimeInterval
        /// Whole exchange, connect included.
        public var timeout: TimeInterval
        /// PEM bundle to verify servers against instead of the system store.
        public var caBundle: String?
        /// Threads that may block in curl at once; match the client's concurrency cap.
        public var threads: Int
        /// Names the remote in error messages, e.g. "TradingView".
        public var serviceName: String

        public init(connectTimeout: TimeInterval = 10, timeout: TimeInterval = 30, caBundle: String? = nil,
                    threads: Int = 4, serviceName: String = "HTTP") {
            self.connectTimeout = connectTimeout; self.timeout = timeout; self.caBundle = caBundle
            self.threads = threads; self.serviceName = serviceName
        }
    }

    public let options: Options
    private let pool: BlockingPool
    private let idleHandles: CurlHandleCache

    public init(options: Options = Options()) {
        self.options = options
        self.pool = BlockingPool(threads: options.threads, name: "curl-\(options.serviceName)")
        self.idleHandles = CurlHandleCache(capacity: max(1, options.threads))
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let options = self.options
        if request.headers.contains(where: { HeaderSafety.hasLineBreak($0.name + $0.value) }) {
            throw RemoteError.notConfigured("\(options.serviceName): a request header contains a line break: refused")
        }
        do {
            let idleHandles = self.idleHandles
            return try await pool.run {
                let handle = try idleHandles.take() ?? CurlHandle()
                let response = try Self.perform(request, on: handle, options: options)
                // Only a handle whose exchange succeeded goes back: after a failure its state is suspect.
                idleHandles.put(handle)
                return response
            }
        } catch let failure as CurlFailure {
            throw failure.remoteError(service: options.serviceName)
        }
    }

    private static func perform(_ request: HTTPRequest, on handle: CurlHandle, options: Options) throws -> HTTPResponse {
        let buffers = CurlExchangeBuffers()
        try buffers.install(on: handle)
        try handle.set(CURLOPT_URL, request.url)
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        // Never follow redirects: a redirect must not carry session cookies to another place.
        try handle.set(CURLOPT_FOLLOWLOCATION, 0)
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, Int(options.connectTimeout * 1000))
        try handle.set(CURLOPT_TIMEOUT_MS, Int(options.timeout * 1000))
        try handle.set(CURLOPT_SSL_VERIFYPEER, 1)
        try handle.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caBundle = options.caBundle { try handle.set(CURLOPT_CAINFO, caBundle) }
        try handle.set(CURLOPT_ACCEPT_ENCODING, "")
        try configureMethod(request, on: handle)
        // "Expect:" off: curl would otherwise wait for 100-continue on larger bodies.
        try handle.set(CURLOPT_HTTPHEADER, list: request.headers.map { "\($0.name): \($0.value)" } + ["Expect:"])
        try handle.perform()
        return HTTPResponse(status: handle.responseCode(), headers: buffers.headers, body: buffers.body)
    }

    private static func configureMethod(_ request: HTTPRequest, on handle: CurlHandle) throws {
        let method = request.method.uppercased()
        switch method {
        case "GET" where request.body == nil:
            try handle.set(CURLOPT_HTTPGET, 1)
            return
        case "POST":
            try handle.set(CURLOPT_POST, 1)
        default:
            try handle.set(CURLOPT_CUSTOMREQUEST, method)
        }
        let body = request.body ?? Data()
        try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
        // COPYPOSTFIELDS copies exactly POSTFIELDSIZE bytes, so binary bodies are safe.
        if body.isEmpty {
            try handle.set(CURLOPT_COPYPOSTFIELDS, "")
        } else {
            try body.withUnsafeBytes { raw in
                try handle.set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: raw.baseAddress))
            }
        }
        if method == "HEAD" { try handle.set(CURLOPT_NOBODY, 1) }
    }
}
