import Foundation

/// Builds the TradingView client config.json asks for, with its own resilient HTTP stack.
public enum TradingViewClientFactory {
    /// TradingView publishes no limit; peers keep to about 30 a minute.
    public static let defaultPerMinute = 30
    public static let defaultConcurrency = 2

    public static func make(config: TradingViewConfig, cookies: any CookieProvider,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            transport: (any HTTPTransport)? = nil,
                            timing: RetryTiming = .live) throws -> any TradingViewClient & CallCounting {
        let concurrency = max(1, config.concurrency ?? defaultConcurrency)
        let service = config.mode == .direct ? "TradingView" : "TradingView access API"
        let transport = transport ?? CurlTransport(options: .init(
            connectTimeout: config.connectTimeoutSeconds ?? 10, timeout: config.timeoutSeconds ?? 30,
            caBundle: config.caBundle, threads: concurrency, serviceName: service))
        let http = ResilientHTTP(serviceName: service, transport: transport, policy: RetryPolicy(config.retries),
                                 perMinute: config.rateLimitPerMinute ?? defaultPerMinute,
                                 concurrency: concurrency, timing: timing)
        switch config.mode {
        case .direct:
            return DirectClient(baseURL: config.baseUrl, paths: .init(config.endpoints), cookies: cookies, http: http)
        case .accessApi:
            guard let key = config.apiKey?.resolve(environment), !key.isEmpty else {
                throw RemoteError.notConfigured("tradingview.api_key: the access-API mode needs an API key (value or env)")
            }
            return AccessAPIClient(baseURL: config.baseUrl, paths: .init(config.endpoints),
                                   apiKeyHeader: config.apiKeyHeader ?? "X-API-Key", apiKey: key, http: http)
        }
    }
}
