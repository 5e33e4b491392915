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
start_sandbox() { # start_sandbox PORT SMTP_PORT [extra args]: sets SANDBOX_PID
  local port=$1 smtp=$2; shift 2
  "$BIN" sandbox --port "$port" --smtp-port "$smtp" "$@" >/dev/null 2>&1 &
  SANDBOX_PID=$!
  wait_for 20 curl -sf "http://127.0.0.1:$port/__sandbox/state" -o /dev/null
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
