import Foundation

/// Joins config base URLs with endpoint paths, and keeps followed links on the configured host.
public enum RemoteURL {
    /// `https://x/` + `/a/` = `https://x/a/`; also accepts paths without a leading slash.
    public static func join(_ base: String, _ path: String) -> String {
        let trimmedBase = base.hasSuffix("/") ? String(base.dropLast()) : base
        return trimmedBase + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// A link a server handed us (like list_users' `next`) as a URL on `base`. An absolute link keeps only
    /// its path and query: requests carrying cookies never go to a host other than the configured one.
    public static func follow(_ link: String, base: String, currentPath: String) -> String {
        if let scheme = link.range(of: "://") {
            let afterHost = link[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" }
            guard let afterHost else { return join(base, "/") }
            let rest = String(link[afterHost...])
            return rest.hasPrefix("?") ? join(base, currentPath) + rest : join(base, rest)
        }
        if link.hasPrefix("?") { return join(base, currentPath) + link }
        return join(base, link)
    }

    /// `path?query` with the query appended (or added) for GETs.
    public static func withQuery(_ url: String, _ fields: [(String, String)]) -> String {
        guard !fields.isEmpty else { return url }
        return url + (url.contains("?") ? "&" : "?") + FormEncoding.encode(fields)
    }
}
