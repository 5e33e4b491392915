import AccessCore
import Foundation
import ServiceLifecycle

/// Checks the TradingView session every `tradingview.session_check_minutes` with its cheapest
/// authenticated call (`SessionManager.test`: tvcoins details in direct mode), so a stale session is
/// seen while nobody buys anything: the status it records turns `/ready` to 503 at once and the alert
/// service raises the urgent alert on its next look (`--alert-check-ms`). Between checks it looks at the
/// recorded status only (no remote call, every `poll`): new cookies saved (`cookies set`, any process)
/// end the episode at once; the watch checks them and asks for a run for the work that waited.
struct SessionWatchService: Service {
    let runtime: AppRuntime
    let coordinator: RunCoordinator
    let every: Duration
    let poll: Duration
    let board: SessionWatchBoard
    /// After each check (and at start, with the first check's time): the daemon rewrites its status file.
    var onChecked: @Sendable () async -> Void = {}

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await loop() }
    }

    private func loop() async throws {
        let clock = ContinuousClock()
        var recorded = runtime.session.status()
        var stale = recorded.state == .stale
        // The first check after one interval: at start the startup sync (or the first purchase) sees it.
        var next = clock.now + every
        board.scheduled(next: Date().addingTimeInterval(Self.seconds(every)))
        await onChecked()
        while !Task.isCancelled {
            let local = runtime.session.status()
            if local.state == .stale { stale = true }  // a run found it stale: same episode
            let newCookies = local.cookiesSavedAt != recorded.cookiesSavedAt
            if stale, newCookies || local.state == .valid { next = clock.now }
            recorded = local
            if clock.now >= next {
                let checked = await runtime.session.test()
                board.checked(at: Date(), next: Date().addingTimeInterval(Self.seconds(every)), state: checked.state)
                // The episode is over (the check emitted `session.ok`): a run for the work that waited.
                if stale, checked.state == .valid { _ = await coordinator.requestSync(dryRun: false, trigger: "session") }
                stale = checked.state == .stale
                recorded = runtime.session.status()
                next = clock.now + every
                await onChecked()
            }
            try await Task.sleep(for: min(poll, max(next - clock.now, .milliseconds(1))))
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// `tradingview.session_check_minutes` as a duration; nil when the watch is off (0).
    static func interval(_ config: TradingViewConfig) -> Duration? {
        let minutes = config.sessionCheckMinutes ?? TradingViewConfig.defaultSessionCheckMinutes
        guard minutes > 0 else { return nil }
        return .milliseconds(Int64((minutes * 60_000).rounded(.up)))
    }
}

/// The session watch's last and next check, for `/status`.
final class SessionWatchBoard: Sendable {
    struct Entry: Sendable { var lastCheck: Date?; var nextCheck: Date?; var state: SessionStatus.State? }
    private let entry = Locked(Entry())

    /// Before the first check: when it will be.
    func scheduled(next: Date) {
        entry.withLock { $0.nextCheck = next }
    }

    func checked(at: Date, next: Date, state: SessionStatus.State) {
        entry.withLock { $0 = Entry(lastCheck: at, nextCheck: next, state: state) }
    }

    var current: Entry { entry.withLock { $0 } }
}
