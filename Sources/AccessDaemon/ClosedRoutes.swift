import AccessCore

/// The routes a daemon keeps closed (401) for want of a secret, each with why: the daemon logs one warning
/// per route at start, so an unset variable or a typo'd key is not found only by a caller's 401.
struct ClosedRoute: Equatable {
    var routes: String
    var reason: String
    var message: String { "\(routes) stay closed (401): \(reason)" }

    static func all(server: ServerConfig?, environment: [String: String]) -> [ClosedRoute] {
        [("/status and /sync", "server.api_token", server?.apiToken),
         ("/webhooks/memberpress", "server.webhook_key", server?.webhookKey)].compactMap { routes, key, ref in
            if let value = ref?.resolve(environment), !value.isEmpty { return nil }
            if let env = ref?.env { return ClosedRoute(routes: routes, reason: "\(key) names the environment variable \(env), which is not set") }
            return ClosedRoute(routes: routes, reason: "\(key) is not set in the config")
        }
    }
}
