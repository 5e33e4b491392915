import Foundation

/// What a fix-link request shows the customer; the daemon renders each case as one HTML page.
public enum FixPage: Sendable, Hashable {
    case form(FixForm)
    case done(FixDone)
    /// A plain page saying why, never the form.
    case refused(FixLinkRefusal)
    /// The fix could not be finished now (a sync holds the data, TradingView trouble); the link still works.
    case unavailable
}

public struct FixForm: Sendable, Hashable {
    /// The product bought, as the mail named it.
    public var product: String
    /// The name given with the purchase, the one TradingView did not know.
    public var purchaseName: String
    /// What the field holds: the purchase's name, or what was just typed.
    public var name: String
    /// Why the last name was not taken; nil on the first visit.
    public var problem: String?
}

public struct FixDone: Sendable, Hashable {
    /// TradingView's spelling.
    public var username: String
    public var grants: [FixGrant]
    public var dryRun: Bool
}

public struct FixGrant: Sendable, Hashable {
    public var script: String
    /// nil with `lifetime`: no end.
    public var expiry: Date?
    public var lifetime: Bool
}
