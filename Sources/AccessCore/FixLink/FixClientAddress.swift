import Foundation

/// Whom the per-address limit of the fix-link pages counts. The daemon listens on loopback behind a
/// reverse proxy (deploy/nginx-access-console.conf), so every request arrives from 127.0.0.1; the proxy
/// appends the client's address to `X-Forwarded-For`. That header is believed only from a loopback
/// peer (the proxy on this machine), and only its last entry, the one the proxy wrote; anything else a
/// client sends in it is ignored.
public enum FixClientAddress {
    public static func key(peer: String?, forwardedFor: String?) -> String {
        let peer = peer ?? "unknown"
        guard isLoopback(peer), let header = forwardedFor,
              let last = header.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
              !last.isEmpty, last.count <= 64,
              last.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else { return peer }
        return last
    }

    static func isLoopback(_ address: String) -> Bool {
        address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }
}
