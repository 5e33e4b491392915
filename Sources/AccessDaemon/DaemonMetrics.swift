import AccessCore
import Foundation
import Metrics
import Prometheus

/// `/metrics`: swift-metrics instruments exported by swift-prometheus. Writes are counted as their
/// events happen; counters kept elsewhere (remote calls, runs, webhooks) are brought up to date at each
/// scrape. Labels hold endpoint names, kinds and outcomes only: never a user, an id or a secret.
final class DaemonMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let seen = Locked<[String: Int]>([:])

    init() {
        registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    /// Counts writes from the event stream.
    func observe(_ event: AccessEvent) {
        let write: (String, String)?
        switch event.kind {
        case .writeApplied(let op): write = (op.rawValue, "ok")
        case .writeFailed: write = (event.fields["operation"] ?? "unknown", "failed")
        case .writeDryRun: write = (event.fields["operation"] ?? "unknown", "dry_run")
        case .writeUnchanged: write = ("unchanged", "ok")
        default: write = nil
        }
        if let (kind, result) = write, ["grant", "extend", "revoke", "unchanged", "unknown"].contains(kind) {
            Counter(label: "accessconsole_writes_total", dimensions: [("kind", kind), ("result", result)]).increment()
        }
        // Read-back of a run's writes, from the run's summary: verified (found on the list as written),
        // repaired (sent again and then found), missing (still not there: review and alert).
        if event.kind == .runDone, let summary = event.runEnd?.summary {
            if summary.verified > 0 {
                Counter(label: "accessconsole_readback_total", dimensions: [("result", "verified")]).increment(by: summary.verified)
            }
            if summary.repaired > 0 {
                Counter(label: "accessconsole_readback_total", dimensions: [("result", "repaired")]).increment(by: summary.repaired)
            }
        }
        if event.kind == .readbackMissing {
            Counter(label: "accessconsole_readback_total", dimensions: [("result", "missing")]).increment()
        }
    }

    /// The text of one scrape.
    func scrape(runtime: AppRuntime, coordinator: RunCoordinator, queues: QueueSizes) async -> String {
        let snapshot = await coordinator.snapshot()
        for (endpoint, n) in runtime.tradingView.callCounts() {
            advance("accessconsole_tradingview_calls_total", [("endpoint", Self.label(endpoint))], to: n)
        }
        for (endpoint, seconds) in runtime.tradingView.callSeconds() {
            advance("accessconsole_tradingview_call_milliseconds_total", [("endpoint", Self.label(endpoint))],
                    to: Int((seconds * 1000).rounded()))
        }
        for (endpoint, n) in runtime.wordpress.callCounts() {
            advance("accessconsole_wordpress_calls_total", [("endpoint", Self.label(endpoint))], to: n)
        }
        for (key, n) in snapshot.runsByOutcome {
            let parts = key.split(separator: "/").map(String.init)
            advance("accessconsole_runs_total", [("kind", parts[0]), ("outcome", parts.count > 1 ? parts[1] : "")], to: n)
        }
        for (kind, outcomes) in snapshot.webhookCounts {
            for (outcome, n) in outcomes {
                advance("accessconsole_webhook_events_total", [("kind", kind), ("outcome", outcome)], to: n)
            }
        }
        let counts = queues.counts()
        Gauge(label: "accessconsole_queue_size", dimensions: [("queue", "retry")]).record(Double(counts.retry))
        Gauge(label: "accessconsole_queue_size", dimensions: [("queue", "review")]).record(Double(counts.review))
        Gauge(label: "accessconsole_queue_size", dimensions: [("queue", "webhook")]).record(Double(snapshot.webhookPending))
        Gauge(label: "accessconsole_session_valid").record(runtime.session.status().isUsable ? 1 : 0)
        Gauge(label: "accessconsole_sync_running").record(snapshot.running == nil ? 0 : 1)
        Gauge(label: "accessconsole_last_success_timestamp_seconds")
            .record(snapshot.lastSuccessAt?.timeIntervalSince1970 ?? 0)
        Gauge(label: "accessconsole_consecutive_failed_runs").record(Double(snapshot.consecutiveFailures))
        return registry.emitToString()
    }

    /// Brings a counter to a total kept elsewhere.
    private func advance(_ name: String, _ dimensions: [(String, String)], to total: Int) {
        let key = name + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        let delta = seen.withLock { seen -> Int in
            let d = total - (seen[key] ?? 0)
            if d > 0 { seen[key] = total }
            return d
        }
        if delta > 0 { Counter(label: name, dimensions: dimensions).increment(by: delta) }
    }

    /// Endpoint names are ours, but keep the label alphabet tight anyway.
    static func label(_ s: String) -> String {
        String(s.prefix(64).map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }
}
