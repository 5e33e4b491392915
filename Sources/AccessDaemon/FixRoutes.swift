import AccessCore
import Foundation
import Hummingbird
import NIOCore

/// `GET` and `POST /fix/{token}`: the customer's fix-link pages (registered only when
/// `server.public_base_url` is set). Limits, in order: requests per client address (`FixClientAddress`:
/// the TCP peer, or the address a proxy on loopback put last in `X-Forwarded-For`), then, once the
/// token's signature holds, requests per link. A POST must carry the same token in its hidden field as
/// in its URL (the real guard: a page of another site cannot read it), come from our own origin when the
/// browser says where from, and stay under `maxBodyBytes`. The token is a bearer secret: it is never logged.
struct FixRoutes: Sendable {
    static let maxBodyBytes = 4_096
    let desk: FixLinkDesk
    let publicBaseURL: String
    let perAddress: FixRateLimiter
    let perLink: FixRateLimiter
    /// One `fixlink.refused` line per client address and window for made-up links; the rest are only
    /// counted (`accessconsole_fixlink_refused_total`), so nobody can fill the log without a real link.
    let invalidNotices: FixRateLimiter
    let events: EventHub

    static func limiters() -> (address: FixRateLimiter, link: FixRateLimiter, invalidNotices: FixRateLimiter) {
        (FixRateLimiter(limit: 60, window: 600), FixRateLimiter(limit: 12, window: 600), FixRateLimiter(limit: 1, window: 600))
    }

    func register(_ router: Router<DaemonRequestContext>) {
        router.get("/fix/:token") { request, context in await handle(request, context, post: false) }
        router.post("/fix/:token") { request, context in await handle(request, context, post: true) }
    }

    private func handle(_ request: Request, _ context: DaemonRequestContext, post: Bool) async -> Response {
        let address = FixClientAddress.key(peer: context.remoteAddress?.ipAddress,
                                           forwardedFor: DaemonRoutes.header(request, "x-forwarded-for"))
        if let over = perAddress.allow("addr:" + address).over { return limited("client address", over) }
        let text = context.parameters.get("token") ?? ""
        let token: FixLinkToken
        switch desk.check(text, posted: post) {
        case .valid(let t): token = t
        case .unavailable: return render(.unavailable, token: text)
        case .refused(.invalid):
            FixLinkCounters.refused("invalid")
            if invalidNotices.allow(address).allowed {
                events.emit(.info, .fixLinkRefused, "fix link refused: invalid (more from this client address in the next "
                            + "10 minutes are only counted in accessconsole_fixlink_refused_total)", fields: ["reason": "invalid"])
            }
            return page(FixPages.refused(.invalid, support: desk.supportContact), status: .notFound)
        case .refused(let why):
            FixLinkCounters.refused(why.rawValue)
            return page(FixPages.refused(why, support: desk.supportContact), status: .gone)
        }
        if let over = perLink.allow("link:" + token.nonce).over { return limited("link", over) }
        guard post else { return render(desk.open(token), token: text) }

        guard sameOrigin(request) else {
            FixLinkCounters.refused("origin")
            events.emit(.warning, .fixLinkRefused, "fix link POST from another site refused", fields: ["reason": "origin", "transaction": token.transactionId])
            return page(FixPages.notAllowed(support: desk.supportContact), status: .forbidden)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxBodyBytes {
            return page(FixPages.tooLarge(), status: .contentTooLarge)
        }
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: Self.maxBodyBytes) } catch {
            return page(FixPages.tooLarge(), status: error is NIOTooManyBytesError ? .contentTooLarge : .badRequest)
        }
        let form = FormBody.parse(Data(body.readableBytesView))
        guard let hidden = form["token"], ConstantTime.equal(hidden, text) else {
            FixLinkCounters.refused("form_token")
            events.emit(.warning, .fixLinkRefused, "fix link POST without its own token refused", fields: ["reason": "form token", "transaction": token.transactionId])
            return page(FixPages.notAllowed(support: desk.supportContact), status: .forbidden)
        }
        return render(await desk.submit(token, typed: form["username"] ?? ""), token: text)
    }

    /// A browser names the page a form came from (`Origin`, else `Referer`); when it does, it must be ours.
    /// `Origin: null` names nothing: browsers send it for pages served with a strict referrer policy, from
    /// `file:` pages and from privacy modes, so it counts as not said. `Sec-Fetch-Site: cross-site` (sent by
    /// current browsers whatever the referrer policy) is refused.
    private func sameOrigin(_ request: Request) -> Bool {
        if DaemonRoutes.header(request, "sec-fetch-site")?.lowercased() == "cross-site" { return false }
        guard let base = Self.origin(publicBaseURL) else { return true }
        if let origin = DaemonRoutes.header(request, "origin"), origin != "null" { return Self.origin(origin) == base }
        if let referer = DaemonRoutes.header(request, "referer") { return Self.origin(referer) == base }
        return true
    }

    /// `scheme://host[:port]`, lowercased, default ports left out.
    static func origin(_ url: String) -> String? {
        guard let u = URLComponents(string: url), let scheme = u.scheme?.lowercased(), let host = u.host?.lowercased() else { return nil }
        let port = u.port.flatMap { (scheme == "https" && $0 == 443) || (scheme == "http" && $0 == 80) ? nil : $0 }
        return "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "")
    }

    private func render(_ fix: FixPage, token: String) -> Response {
        let status: HTTPResponse.Status = switch fix {
        case .form(let f): f.problem == nil ? .ok : .unprocessableContent
        case .done: .ok
        case .refused: .gone
        case .unavailable: .serviceUnavailable
        }
        if case .refused(let why) = fix { FixLinkCounters.refused(why.rawValue) }
        return page(FixPages.render(fix, token: token, support: desk.supportContact), status: status)
    }

    /// The 429 page. Only the first refusal of a key's window is logged: the rest are counted.
    private func limited(_ what: String, _ verdict: FixRateLimiter.Verdict) -> Response {
        FixLinkCounters.limited(what)
        if verdict == .firstRefusal {
            events.emit(.warning, .fixLinkLimited, "fix link requests over the limit per \(what) (more in this window are "
                        + "only counted in accessconsole_fixlink_limited_total)", fields: ["limit": what])
        }
        var response = page(FixPages.tooMany(), status: .tooManyRequests)
        response.headers[.retryAfter] = "600"
        return response
    }

    private func page(_ html: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            // The token is in the URL: no other site may see it. Not `no-referrer`: with it, browsers send
            // the form's POST with `Origin: null`, and our own origin is what the origin check wants to see.
            .init("Referrer-Policy")!: "same-origin",
            .init("X-Content-Type-Options")!: "nosniff",
            .init("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ], body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
