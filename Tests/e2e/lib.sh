# Shared helpers of the end-to-end scripts: real binary, real sandbox process, loopback only.
BIN=${BIN:-"$(pwd)/.build/debug/access-console"}
PASS=0; FAIL=0
check() { # check "what" command...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then PASS=$((PASS+1)); echo "ok   $what"; else FAIL=$((FAIL+1)); echo "FAIL $what"; fi
}
wait_for() { # wait_for SECONDS command...: poll until the command succeeds
  local limit=$1; shift; local end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done
}
start_sandbox() { # start_sandbox [extra args]: on free ports; sets SANDBOX_PID, SANDBOX_PORT, SANDBOX_SMTP
  # Port 0 lets the system pick (a fixed port flakes when another run or process holds it); the
  # sandbox's first stdout line says which: "sandbox: http http://127.0.0.1:P  smtp smtp://127.0.0.1:S".
  local out; out=$(mktemp "${TMPDIR:-/tmp}/sandbox-out.XXXXXX")
  "$BIN" sandbox --port 0 --smtp-port 0 "$@" >"$out" 2>/dev/null &
  SANDBOX_PID=$!
  wait_for 20 grep -q '^sandbox: http ' "$out" || { rm -f "$out"; return 1; }
  read -r SANDBOX_PORT SANDBOX_SMTP < <(sed -n 's|^sandbox: http http://[^ ]*:\([0-9]*\) *smtp smtp://[^ ]*:\([0-9]*\).*|\1 \2|p' "$out")
  rm -f "$out"
  [ -n "$SANDBOX_PORT" ] && [ -n "$SANDBOX_SMTP" ] || return 1
  wait_for 20 curl -sf "http://127.0.0.1:$SANDBOX_PORT/__sandbox/state" -o /dev/null
}
workspace() { # workspace DIR PORT SMTP_PORT: a config copy pointing at the sandbox, cookies saved
  local dir=$1 port=$2 smtp=$3
  mkdir -p "$dir"
  jq --arg url "http://127.0.0.1:$port" --arg smtp "smtp://127.0.0.1:$smtp" \
    '.tradingview.base_url = $url | .wordpress.base_url = $url | .email.smtp_url = $smtp
     | .tradingview.rate_limit_per_minute = 6000
     | .tradingview.retries = {"max_attempts": 3, "base_delay_ms": 20, "max_delay_ms": 200}' \
    config.json > "$dir/config.json"
  echo 'sessionid=sandbox-sessionid-0123456789; sessionid_sign=sandbox-sign-abcdef' | "$BIN" cookies set --config "$dir/config.json" >/dev/null
}
state() { curl -sf "http://127.0.0.1:$1/__sandbox/state"; }
daemon_port() { # daemon_port LOG: the port of the daemon.listening event in a daemon's stdout (it listens on port 0)
  grep -F '"event":"daemon.listening"' "$1" 2>/dev/null | head -1 | jq -er '.fields.port'
}
