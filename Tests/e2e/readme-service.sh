#!/usr/bin/env bash
# The README's "Run it as a service" steps, with the shipped files (config.json, deploy/access-console.env.example,
# deploy/access-console.service), paths under a temp folder instead of /etc and /var/lib, the sandbox instead
# of WordPress and TradingView, no systemd (the unit's ExecStart with its EnvironmentFile read the way the
# README reads it by hand), until /ready answers 200. The one departure: the daemon listens on a free port.
set -uo pipefail
cd "$(dirname "$0")/../.."
. Tests/e2e/lib.sh
TMP=$(mktemp -d)
DAEMON_PID=; SANDBOX_PID=
cleanup() { kill $DAEMON_PID $SANDBOX_PID 2>/dev/null; wait 2>/dev/null; pkill -f -- "--config $TMP/" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
# Only what the env file sets: nothing of this machine's environment stands in for it.
unset ACCESS_CONSOLE_KEY ACCESS_CONSOLE_API_TOKEN MEMBERPRESS_WEBHOOK_KEY MEMBERPRESS_API_KEY
ETC="$TMP/etc/access-console"; VAR="$TMP/var/lib/access-console"; ENVFILE="$ETC/access-console.env"; CFG="$ETC/config.json"
# Step 1: the binary on PATH as access-console, the data folder.
mkdir -p "$TMP/bin" "$ETC"; ln -s "$BIN" "$TMP/bin/access-console"; export PATH="$TMP/bin:$PATH"
install -d -m 0750 "$VAR"
start_sandbox || { echo "FAIL sandbox did not start"; exit 1; }
SB="http://127.0.0.1:$SANDBOX_PORT"

# Step 2: config.json with absolute paths, the URLs of the services, every "value" dropped from the secrets.
jq --arg var "$VAR" --arg url "$SB" --arg smtp "smtp://127.0.0.1:$SANDBOX_SMTP" '
  .paths = {master_data: "\($var)/masterData", logs: "\($var)/logs", vault: "\($var)/vault"}
  | .tradingview.base_url = $url | .wordpress.base_url = $url | .email.smtp_url = $smtp
  | .alerts.webhook_url = "\($url)/__sandbox/sink"
  | walk(if type == "object" and has("env") and has("value") then del(.value) else . end)' config.json > "$CFG"
check "the config keeps no secret value" sh -c "! jq -e '[.. | objects | select(has(\"env\") and has(\"value\"))] | length > 0' '$CFG'"
install -m 0640 deploy/access-console.env.example "$ENVFILE"
# The admin puts in the values: MemberPress's API key (the sandbox's here); the other shipped ones stay.
sed -i 's|^MEMBERPRESS_API_KEY=.*|MEMBERPRESS_API_KEY=sandbox-mp-key|' "$ENVFILE"
check "the README reads the env file with set -a, not env \$(cat ...)" \
  sh -c "grep -qF \"set -a; . /etc/access-console/access-console.env; set +a\" README.md && ! grep -q 'sudo -u access-console env \$(cat' README.md"
# How the README runs a command by hand: the env file's variables exported, then the command.
by_hand() { sh -c "set -a; . '$ENVFILE'; set +a; exec \"\$@\"" sh "$@"; }
by_hand access-console config check --config "$CFG" > "$TMP/check1.txt" 2>&1; rc=$?
check "config check with the shipped env file: ok before cookies (exit $rc)" [ $rc -eq 0 ]
check "... warning that no cookies are saved yet" grep -q "warning: .*no TradingView cookies saved" "$TMP/check1.txt"

# Step 3: cookies.
echo 'sessionid=sandbox-sessionid-0123456789; sessionid_sign=sandbox-sign-abcdef' \
  | by_hand access-console cookies set --config "$CFG" > "$TMP/cookies.txt" 2>&1; rc=$?
check "cookies set with the shipped env file (exit $rc)" sh -c "[ $rc -eq 0 ] && grep -q '^saved' '$TMP/cookies.txt'"
by_hand access-console config check --config "$CFG" > "$TMP/check2.txt" 2>&1; rc=$?
check "config check after cookies: ok, no warning (exit $rc)" sh -c "[ $rc -eq 0 ] && ! grep -q warning '$TMP/check2.txt'"
by_hand access-console cookies status --config "$CFG" >/dev/null 2>&1; rc=$?
check "cookies status (exit $rc)" [ $rc -eq 0 ]

# Step 4: the unit's ExecStart with its EnvironmentFile.
EXEC=$(sed -n 's|^ExecStart=/usr/local/bin/||p' deploy/access-console.service | sed "s|/etc/access-console/config.json|$CFG|")
check "the unit runs the daemon on the config" [ "$EXEC" = "access-console daemon --config $CFG" ]
# Started from this shell, not in a function's subshell: $! is then the daemon itself (sh execs into it),
# so the cleanup stops it instead of leaving it running after the test.
sh -c "set -a; . '$ENVFILE'; set +a; exec \"\$@\"" sh $EXEC --listen 127.0.0.1:0 > "$TMP/daemon.log" 2>&1 &
DAEMON_PID=$!
check "the daemon announces its port" wait_for 30 daemon_port "$TMP/daemon.log"
BASE="http://127.0.0.1:$(daemon_port "$TMP/daemon.log")"
# Step 6: health.
check "/ready answers 200" wait_for 60 curl -sf "$BASE/ready" -o /dev/null
TOKEN=$(sed -n 's/^ACCESS_CONSOLE_API_TOKEN=//p' "$ENVFILE")
check "/status answers with the env file's token" curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/status" -o /dev/null
check "no route is reported closed" sh -c "! grep -q 'stay closed' '$TMP/daemon.log'"
[ $FAIL -eq 0 ] || { echo "--- daemon log"; tail -20 "$TMP/daemon.log"; }
echo "readme-service: $PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
