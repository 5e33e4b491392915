/// The demo's own configuration: the products and scripts the sandbox's demo seed sells, so
/// `access-console demo` runs from any folder. `DemoWorkspace` points its URLs at the sandbox it starts;
/// a test keeps the repository's example `config.json` equal to it.
public enum DemoConfig {
    public static let json = #"""
{
  "_comment": "Example config: points at the built-in sandbox (`access-console sandbox`, ports 8780 and 2525). Paths are relative to this file.",
  "wordpress": {
    "base_url": "http://127.0.0.1:8780",
    "style": "memberpress",
    "transactions_endpoint": "/wp-json/mp/v1/transactions",
    "since_param": "since",
    "auth": { "type": "header", "header": "MEMBERPRESS-API-KEY", "secret": { "env": "MEMBERPRESS_API_KEY", "value": "sandbox-mp-key" } },
    "status_filter": ["complete", "confirmed", "refunded"],
    "per_page": 100,
    "retries": { "max_attempts": 4, "base_delay_ms": 500, "max_delay_ms": 30000 },
    "timeout_seconds": 20,
    "username_field": "member.profile.mepr_tradingview_username",
    "product_field": "membership.id"
  },
  "tradingview": {
    "mode": "direct",
    "base_url": "http://127.0.0.1:8780",
    "retries": { "max_attempts": 4, "base_delay_ms": 200, "max_delay_ms": 5000 },
    "rate_limit_per_minute": 600,
    "concurrency": 4,
    "timeout_seconds": 15,
    "connect_timeout_seconds": 5
  },
  "products": {
    "101": { "title": "Alpha monthly", "scripts": [ { "script_id": "PUB;7d3c1e9a0b2f4c6d8e1f2a3b4c5d6e7f", "term": "1M", "stacking": true } ] },
    "102": { "title": "Alpha yearly", "scripts": [ { "script_id": "PUB;7d3c1e9a0b2f4c6d8e1f2a3b4c5d6e7f", "term": "1Y", "stacking": true } ] },
    "103": { "title": "Bundle quarterly", "scripts": [
      { "script_id": "PUB;7d3c1e9a0b2f4c6d8e1f2a3b4c5d6e7f", "term": "3M", "stacking": true },
      { "script_id": "PUB;1a2b3c4d5e6f708192a3b4c5d6e7f809", "term": "3M", "stacking": true },
      { "script_id": "PUB;9f8e7d6c5b4a39281706f5e4d3c2b1a0", "term": "3M", "stacking": true } ] },
    "104": { "title": "Lifetime", "scripts": [ { "script_id": "PUB;0c0ffee0c0ffee0c0ffee0c0ffee0c0f", "term": "lifetime", "stacking": true } ] },
    "105": { "title": "Momentum weekly trial", "scripts": [ { "script_id": "PUB;1a2b3c4d5e6f708192a3b4c5d6e7f809", "term": "7D", "stacking": false } ] }
  },
  "scripts": {
    "PUB;7d3c1e9a0b2f4c6d8e1f2a3b4c5d6e7f": { "title": "Alpha Trend Suite" },
    "PUB;1a2b3c4d5e6f708192a3b4c5d6e7f809": { "title": "Momentum Pro" },
    "PUB;9f8e7d6c5b4a39281706f5e4d3c2b1a0": { "title": "Volume Radar" },
    "PUB;0c0ffee0c0ffee0c0ffee0c0ffee0c0f": { "title": "Lifetime Toolkit" }
  },
  "scheduler": {
    "interval_minutes": 15, "dry_run": false, "since_overlap_minutes": 60,
    "retry_queue": { "max_attempts": 8, "first_backoff_minutes": 1, "max_backoff_minutes": 360 }
  },
  "paths": { "master_data": "masterData", "logs": "logs", "vault": "vault" },
  "email": {
    "enabled": true,
    "smtp_url": "smtp://127.0.0.1:2525",
    "from": "Support <support@example.com>",
    "subject": "Please check your TradingView username",
    "start_tls": false,
    "timeout_seconds": 15
  },
  "console": { "keys": {} },
  "server": {
    "listen": "127.0.0.1:8787",
    "api_token": { "env": "ACCESS_CONSOLE_API_TOKEN", "value": "sandbox-api-token" },
    "webhook_key": { "env": "MEMBERPRESS_WEBHOOK_KEY", "value": "sandbox-webhook-key" },
    "max_body_bytes": 262144
  },
  "alerts": {
    "email_to": ["ops@example.com"],
    "webhook_url": "http://127.0.0.1:8780/__sandbox/sink",
    "remind_hours": 6,
    "failed_runs": 3,
    "review_stale_hours": 24
  }
}
"""#
}
