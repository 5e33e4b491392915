import CCurl

extension CurlFailure {
    /// Network trouble worth another try (timeouts, resets, refused, DNS) is transient; a TLS
    /// verification failure or a bad URL is a setup problem that retrying will not fix.
    func remoteError(service: String) -> RemoteError {
        let code = CURLcode(rawValue: UInt32(clamping: max(0, self.code)))
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .notConfigured("\(service) URL is not usable: \(message)")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return .notConfigured("\(service) TLS verification failed (check ca_bundle): \(message)")
        case CURLE_LOGIN_DENIED:
            return .notConfigured("\(service) login denied: check the configured user and password")
        default:
            return .transient("\(service): \(message)", retryAfter: nil)
        }
    }
}
