import Foundation
import NIOCore

/// A running sandbox: TradingView (direct and access API), WordPress and control routes on one HTTP
/// port, and an SMTP sink on another, all on loopback. See docs/sandbox-contract.md.
public final class Sandbox: Sendable {
    public let host: String
    public let port: Int
    public let smtpPort: Int
    /// `http://HOST:PORT`: base URL of TradingView, the access API, WordPress and the control routes.
    public var baseURL: String { "http://\(host):\(port)" }
    /// `smtp://HOST:PORT`
    public var smtpURL: String { "smtp://\(host):\(smtpPort)" }

    private let router: SandboxRouter
    private let serverTask: Task<Void, Never>
    private let smtpChannel: any Channel

    private init(host: String, port: Int, smtpPort: Int, router: SandboxRouter,
                 serverTask: Task<Void, Never>, smtpChannel: any Channel) {
        self.host = host; self.port = port; self.smtpPort = smtpPort; self.router = router
        self.serverTask = serverTask; self.smtpChannel = smtpChannel
    }

    /// Builds the seed data and starts both servers; returns once both listen.
    public static func start(_ options: SandboxOptions = SandboxOptions()) async throws -> Sandbox {
        let seed = SeedData.make(options.seed, now: options.referenceDate ?? Date())
        let router = SandboxRouter(seed: seed, options: options)
        let world = router.world
        let smtp = try await SMTPServer.start(host: options.host, port: options.smtpPort) { message in
            world.withLock { $0.mail.append(message) }
        }
        do {
            let (port, task) = try await HTTPServer.start(host: options.host, port: options.port, logger: options.logger) { await router.handle($0) }
            return Sandbox(host: options.host, port: port, smtpPort: smtp.localAddress?.port ?? options.smtpPort,
                           router: router, serverTask: task, smtpChannel: smtp)
        } catch {
            try? await smtp.close().get()
            throw error
        }
    }

    /// Stops both servers.
    public func shutdown() async {
        serverTask.cancel()
        await serverTask.value
        try? await smtpChannel.close().get()
    }

    /// The same data as `GET /__sandbox/state`.
    public func snapshot() -> SandboxState { router.world.withLock { $0.snapshot() } }

    /// Bodies POSTed to `/__sandbox/sink` so far, in order.
    public func sinkBodies() -> [String] { router.world.withLock { $0.sink.map { $0 } } }

    /// Replaces the fault settings (`Faults()` clears) and restarts their draws from `seed`.
    public func setFaults(_ faults: Faults) { router.world.withLock { $0.setFaults(faults) } }

    /// Makes these cookies the valid session and ends an expiry.
    public func setSession(sessionid: String, sessionidSign: String) {
        router.world.withLock { $0.setSession(sessionid: sessionid, sessionidSign: sessionidSign) }
    }

    /// Appends WordPress transactions (id 0 = next free id); returns their ids.
    @discardableResult
    public func addTransactions(_ transactions: [SandboxTransaction]) -> [Int] {
        router.world.withLock { $0.appendTransactions(transactions) }
    }

    /// Adds a TradingView account; false when the name exists in any spelling.
    @discardableResult
    public func addAccount(_ username: String) -> Bool {
        router.world.withLock { $0.accounts.add(username) != nil }
    }

    /// Renames a TradingView account; its id and access stay. False when `from` is not an account's exact
    /// spelling or `to` is taken.
    @discardableResult
    public func rename(_ from: String, to: String) -> Bool {
        router.world.withLock { $0.rename(from, to: to) }
    }

    /// TradingView loses these users' access (nil = every script), or every Nth grant by username order.
    /// Answers "PINE_ID username" per removed grant.
    @discardableResult
    public func loseGrants(pineId: String?, usernames: [String]? = nil, every: Int? = nil) -> [String] {
        router.world.withLock { $0.loseGrants(pineId: pineId, usernames: usernames, every: every) }
    }

    /// Back to the seed data: no faults, the start session, no writes, calls or mail.
    public func reset() { router.reset() }

    /// How the MemberPress listing orders, pages and which headers it sends.
    public func setMemberPressListing(_ listing: MemberPressListing) { router.world.withLock { $0.memberPressListing = listing } }

    /// Changes a transaction's status later (an offline payment completed, a refund); `expiresAt` nil leaves it.
    @discardableResult
    public func setTransactionStatus(id: Int, status: String, expiresAt: Date?? = nil) -> Bool {
        router.world.withLock { $0.setTransactionStatus(id: id, status: status, expiresAt: expiresAt) }
    }

    /// Access TradingView already grants before this product is installed (a live business): not a write.
    public func seedGrant(pineId: String, username: String, expiration: Date?, created: Date = Date()) -> Bool {
        router.world.withLock { $0.seedGrant(pineId: pineId, username: username, expiration: expiration, created: created) }
    }
}
