import Foundation

/// The route table of every emulated HTTP endpoint (control routes excluded).
extension World {
    private static let routes: [String: String] = [
        "/username_hint/": "GET", "/tvcoins/details/": "GET",
        "/pine_perm/list_users/": "POST", "/pine_perm/add/": "POST",
        "/pine_perm/modify_user_expiration/": "POST", "/pine_perm/remove/": "POST",
        "/tradingview/validate": "GET", "/tradingview/access/list": "GET",
        "/tradingview/access/grant": "POST", "/tradingview/access/update": "POST",
        "/tradingview/access/revoke": "POST",
        "/all-user-transactions": "GET", "/wp-json/mp/v1/transactions": "GET",
    ]

    mutating func route(_ request: SandboxRequest, now: Date) -> Reply {
        if request.path.hasPrefix(World.memberPressTransactionPrefix) {
            guard request.method == "GET" else { return .detail(405, "Method \"\(request.method)\" not allowed.") }
            return memberPressTransaction(request)
        }
        guard let method = World.routes[request.path] else { return .notFound }
        guard method == request.method else { return .detail(405, "Method \"\(request.method)\" not allowed.") }
        switch request.path {
        case "/username_hint/": return usernameHint(request)
        case "/tvcoins/details/": return tvcoins(request)
        case "/pine_perm/list_users/": return listUsers(request)
        case "/pine_perm/add/": return addAccess(request, now: now)
        case "/pine_perm/modify_user_expiration/": return modifyExpiration(request)
        case "/pine_perm/remove/": return removeAccess(request)
        case "/tradingview/validate": return apiValidate(request)
        case "/tradingview/access/list": return apiList(request)
        case "/tradingview/access/grant": return apiGrant(request, now: now)
        case "/tradingview/access/update": return apiUpdate(request)
        case "/tradingview/access/revoke": return apiRevoke(request)
        case "/all-user-transactions": return seedTransactions(request)
        case "/wp-json/mp/v1/transactions": return memberPressTransactions(request, now: now)
        default: return .notFound
        }
    }
}
