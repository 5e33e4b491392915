import Foundation

/// What the sandbox holds, as `GET /__sandbox/state` returns it and `Sandbox.snapshot()` gives it.
public struct SandboxState: Codable, Sendable {
    /// Per pine id, every listed user (lapsed grants included), sorted by username.
    public var access: [String: [AccessEntry]]
    /// Every write that changed state, in order.
    public var writes: [WriteRecord]
    /// Requests per path (query left off), control routes excluded.
    public var calls: [String: Int]
    public var mail: [MailMessage]
    /// TradingView account names, canonical spelling, sorted.
    public var accounts: [String]
    public var faults: Faults
    /// True while the session is expired (by `session_expire_after`) until a new one is set.
    public var sessionExpired: Bool
    /// Grants and extensions the `drop_write_*` faults answered as done and did not keep, in order.
    public var droppedWrites: [WriteRecord]
    /// How many WordPress transactions the sandbox serves.
    public var transactionCount: Int
    /// The most requests it held at once (control routes excluded): what a client's concurrency cap
    /// looks like from the server's side, without timing anything.
    public var maxInFlight: Int

    enum CodingKeys: String, CodingKey {
        case access, writes, calls, mail, accounts, faults
        case sessionExpired = "session_expired", droppedWrites = "dropped_writes", transactionCount = "transaction_count", maxInFlight = "max_in_flight"
    }
}

/// One user's access to one script; `expiration` nil = lifetime.
public struct AccessEntry: Codable, Sendable, Equatable {
    public var username: String
    public var expiration: Date?

    public init(username: String, expiration: Date?) {
        self.username = username; self.expiration = expiration
    }

    enum CodingKeys: String, CodingKey { case username, expiration }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        username = try c.decode(String.self, forKey: .username)
        expiration = try c.decodeIfPresent(String.self, forKey: .expiration).flatMap(Timestamps.parseISO)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(username, forKey: .username)
        try c.encode(expiration.map(Timestamps.iso), forKey: .expiration)
    }
}

/// One state-changing write: `op` is `add`, `modify` or `remove`; `status` the HTTP status answered
/// (201 for a first grant, 200 otherwise); `via` is `direct` or `access_api`.
public struct WriteRecord: Codable, Sendable, Equatable {
    public var seq: Int
    public var op: String
    public var pineId: String
    public var username: String
    public var expiration: Date?
    public var status: Int
    public var via: String

    public init(seq: Int, op: String, pineId: String, username: String, expiration: Date?, status: Int, via: String) {
        self.seq = seq; self.op = op; self.pineId = pineId; self.username = username
        self.expiration = expiration; self.status = status; self.via = via
    }

    enum CodingKeys: String, CodingKey { case seq, op, pineId = "pine_id", username, expiration, status, via }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seq = try c.decode(Int.self, forKey: .seq)
        op = try c.decode(String.self, forKey: .op)
        pineId = try c.decode(String.self, forKey: .pineId)
        username = try c.decode(String.self, forKey: .username)
        expiration = try c.decodeIfPresent(String.self, forKey: .expiration).flatMap(Timestamps.parseISO)
        status = try c.decode(Int.self, forKey: .status)
        via = try c.decodeIfPresent(String.self, forKey: .via) ?? "direct"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seq, forKey: .seq)
        try c.encode(op, forKey: .op)
        try c.encode(pineId, forKey: .pineId)
        try c.encode(username, forKey: .username)
        try c.encode(expiration.map(Timestamps.iso), forKey: .expiration)
        try c.encode(status, forKey: .status)
        try c.encode(via, forKey: .via)
    }
}

/// One message the SMTP sink accepted: envelope sender, recipients and the raw DATA (dot-unstuffed,
/// CRLF line ends).
public struct MailMessage: Codable, Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var data: String

    public init(from: String, to: [String], data: String) {
        self.from = from; self.to = to; self.data = data
    }
}
