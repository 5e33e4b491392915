import AccessCore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// `access-console daemon`: the HTTP server, the scheduler, the webhook worker (the run coordinator)
/// and the alerts as one swift-service-lifecycle group. SIGTERM or SIGINT stops the HTTP side and the
/// schedule, lets a running run finish its writes (bounded), and returns.
public enum Daemon {
    public static func run(_ runtime: AppRuntime, options: DaemonOptions,
                           environment: [String: String] = ProcessInfo.processInfo.environment) async throws {
        let config = runtime.config
        let server = config.server ?? ServerConfig()
        let listen = options.listen ?? server.listen ?? ServerConfig.defaultListen
        guard let (host, port) = ServerConfig.hostPort(listen) else {
            throw ConfigError([ConfigIssue(file: runtime.configPath, path: "server.listen",
                                           message: "expected HOST:PORT like \"127.0.0.1:8787\", got \"\(listen.prefix(60))\"")])
        }
        // Before anything writes the status file: only the one daemon of this folder may.
        let daemonLock = try DaemonLock.acquire(directory: runtime.masterDataDirectory)
        defer { daemonLock.release() }
        let listenSource = options.listen != nil ? "--listen" : "server.listen"
        let apiToken = server.apiToken?.resolve(environment).flatMap { $0.isEmpty ? nil : $0 }
        let webhookKey = server.webhookKey?.resolve(environment).flatMap { $0.isEmpty ? nil : $0 }
        runtime.redactor.register(apiToken)
        runtime.redactor.register(webhookKey)

        let inbox: WebhookInbox
        do { inbox = try WebhookInbox(directory: runtime.masterDataDirectory) } catch {
            throw ConfigError([ConfigIssue(file: runtime.configPath, path: "paths.master_data", message: "\(error)")])
        }
        let wordpress = runtime.wordpress
        let confirmer = WebhookConfirmer(events: runtime.events) { id in try await wordpress.transaction(id: id) }
        if options.dryRun { runtime.actions.modes.pinDryRun() }
        let coordinator = RunCoordinator(actions: runtime.actions, confirmer: confirmer, inbox: inbox, events: runtime.events)
        let metrics = DaemonMetrics()
        let queues = QueueSizes(runtime: runtime)
        let started = Date()
        let statusDir = runtime.masterDataDirectory
        // The session watch's last and next check: in `/status` and in the status file the console reads.
        let watchBoard = SessionWatchBoard()
        let statusWriter = StatusWriter(directory: statusDir, startedAt: started, coordinator: coordinator, watch: watchBoard)
        @Sendable func writeStatus(_ listening: String, stopped: Bool = false) async {
            await statusWriter.write(listen: listening, stopped: stopped)
        }
        let listening = Locked(listen)
        runtime.events.addSink { event in
            metrics.observe(event)
            if event.kind == .daemonRun {
                queues.invalidate()
                let address = listening.withLock { $0 }
                Task { await writeStatus(address) }
            }
        }

        var routes = DaemonRoutes(runtime: runtime, coordinator: coordinator, inbox: inbox, metrics: metrics, queues: queues,
                                  apiToken: apiToken, webhookKey: webhookKey,
                                  maxBodyBytes: server.maxBodyBytes ?? ServerConfig.defaultMaxBodyBytes)
        routes.sessionWatch = watchBoard
        if let base = server.publicBaseUrl, !base.isEmpty {
            routes.fix = fixRoutes(runtime, coordinator: coordinator, publicBaseURL: base, clock: ServiceClock(file: options.clockFile))
        }
        let events = runtime.events
        // Hummingbird's, NIO's and the service group's logs join the event stream (redacted like ours).
        let redactor = runtime.redactor
        let logger = EventStreamLogHandler.logger(label: "access-console.daemon", hub: events, level: .warning,
                                                  redact: { redactor.redact($0) })
        // Idle and header limits: a client that opens a connection and sends half a request is cut off.
        let idle = TimeAmount.nanoseconds(Int64(options.idleTimeout.components.seconds) * 1_000_000_000
                                          + options.idleTimeout.components.attoseconds / 1_000_000_000)
        let http1 = HTTP1Channel.Configuration(
            idleTimeout: idle,
            httpDecoderConfiguration: .init(maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 32 * 1024, maxHeaderFieldCount: 100))
        let app = Application(router: routes.router(), server: .http1(configuration: http1),
                              configuration: .init(address: .hostname(host, port: port), serverName: nil),
                              onServerRunning: { channel in
                                  let bound = channel.localAddress?.port ?? port
                                  listening.withLock { $0 = "\(host):\(bound)" }
                                  await writeStatus("\(host):\(bound)")
                                  events.emit(.notice, .daemonListening, "listening on \(host):\(bound)",
                                              fields: ["host": host, "port": "\(bound)"])
                              },
                              logger: logger)

        var services: [any Service] = [
            CoordinatorService(coordinator: coordinator, bound: options.shutdownBound, events: events),
            SchedulerService(coordinator: coordinator, interval: .seconds(max(1, config.scheduler.intervalMinutes) * 60),
                             syncAtStart: options.syncAtStart),
        ]
        let pollSeconds = config.scheduler.pollSeconds ?? 30
        if pollSeconds > 0, config.wordpress.style == .memberpress {
            services.append(PollService(coordinator: coordinator, wordpress: runtime.wordpress, period: .seconds(pollSeconds)))
        }
        let sessionWatch = SessionWatchService.interval(config.tradingview)
        if let every = sessionWatch {
            services.append(SessionWatchService(runtime: runtime, coordinator: coordinator, every: every,
                                                poll: options.alertCheck, board: watchBoard,
                                                onChecked: { await writeStatus(listening.withLock { $0 }) }))
        }
        let auditBoard = routes.audit
        if let every = AuditService.interval(config.scheduler) {
            services.append(AuditService(runtime: runtime, coordinator: coordinator, every: every,
                                         repair: config.audit?.repair ?? .ownWrites,
                                         board: auditBoard))
        }
        if let alerts = config.alerts {
            // Incoming-webhook URLs carry their secret in the path (Slack, Discord): never log them.
            if let url = alerts.webhookUrl {
                runtime.redactor.register(url)
                if let path = URL(string: url)?.path, path.count >= 8 { runtime.redactor.register(path) }
            }
            var mailer: (any Mailer)?
            if let email = config.email, email.enabled != false, !(alerts.emailTo ?? []).isEmpty {
                mailer = try? SMTPMailer(config: email, environment: environment)
            }
            services.append(AlertService(runtime: runtime, coordinator: coordinator,
                                         sender: AlertSender(config: alerts, mailer: mailer, events: events), queues: queues,
                                         config: alerts, check: options.alertCheck, clock: ServiceClock(file: options.clockFile),
                                         audit: auditBoard, runOnSessionRecovery: sessionWatch == nil))
        }
        services.append(app)  // last: stopped first on shutdown

        events.emit(.info, .daemonStart, "syncing every \(config.scheduler.intervalMinutes) min; webhooks \(webhookKey == nil ? "closed" : "open")",
                    fields: ["pending_webhooks": "\(inbox.pendingCount)"])
        for closed in ClosedRoute.all(server: config.server, environment: environment) {
            events.emit(.warning, .daemonStart, closed.message, fields: ["routes": closed.routes])
        }
        if inbox.pendingCount > 0 { await coordinator.webhookRecorded() }
        var groupConfig = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfig.maximumGracefulShutdownDuration = options.shutdownBound + .seconds(5)
        let group = ServiceGroup(configuration: groupConfig)
        // The daemon owns SIGTERM and SIGINT (not the group): the notice is written when the signal arrives and
        // before the shutdown starts, so it always comes before the stop's own lines (the group stops the HTTP
        // side first and the coordinator last, many seconds later).
        let signalNotices = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                events.emit(.notice, .daemonDraining, "\(name) received: stopping (HTTP first, then the running run, up to "
                            + "\(options.shutdownBound.components.seconds) s)", fields: ["signal": name])
                Task { await group.triggerGracefulShutdown() }
            }
            source.resume()
            return source
        }
        defer { signalNotices.forEach { $0.cancel() } }
        do { try await group.run() } catch let error as IOError {
            // Hummingbird's bind error names a syscall, not the address or where it came from.
            await writeStatus(listening.withLock { $0 }, stopped: true)
            throw DaemonBindError(setting: listenSource, address: listen, reason: error.description)
        }
        await writeStatus(listening.withLock { $0 }, stopped: true)
    }
}


/// The listen address could not be taken (in use, not this machine's, a privileged port).
public struct DaemonBindError: Error, CustomStringConvertible {
    public var setting: String
    public var address: String
    public var reason: String
    public var description: String {
        "cannot listen on \(address) (\(setting)): \(reason); is another process on that port? (`ss -ltnp | grep \(address.split(separator: ":").last ?? "")`)"
    }
}

extension Daemon {
    /// The fix-link pages over this process's runtime. Expiry is judged by the service clock (a test moves
    /// it with `--clock-file`); the limits by the wall clock.
    static func fixRoutes(_ runtime: AppRuntime, coordinator: RunCoordinator, publicBaseURL: String, clock: ServiceClock) -> FixRoutes {
        let support = (runtime.config.email?.from).flatMap { try? MailMessageBuilder.checkSender($0, field: "email.from").address } ?? ""
        let desk = FixLinkDesk(actions: runtime.actions, keys: runtime.fixLinkKeys,
                               used: UsedFixLinks(path: runtime.masterDataDirectory.appendingPathComponent(".fix-links-used").path),
                               scripts: { try runtime.loadScripts(.queues) }, titles: { runtime.config.title(ofScript: $0) },
                               clock: { clock.now() },
                               // A customer waits behind the daemon's own run (a minute at most), never gets a 503 for it.
                               runner: { command, actions in await coordinator.perform(command, with: actions, within: .seconds(60)) },
                               supportContact: support)
        let limits = FixRoutes.limiters()
        return FixRoutes(desk: desk, publicBaseURL: publicBaseURL, perAddress: limits.address, perLink: limits.link,
                         invalidNotices: limits.invalidNotices,
                         events: runtime.events)
    }
}
