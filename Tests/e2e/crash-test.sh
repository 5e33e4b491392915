#!/usr/bin/env bash
# Crash test: kill -9 the sync at 30+ random points, restart until done.
# A reference run on an identical sandbox without kills gives the expected end state; the crashed
# run must end in the same access (no transaction lost) with no expiry extended twice.
set -uo pipefail
cd "$(dirname "$0")/../.."
. Tests/e2e/lib.sh
KILLS=${KILLS:-32}
TMP=$(mktemp -d)
cleanup() { kill $REF_PID $CRASH_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
SEED_ARGS=(--users 300 --transactions 400)

start_sandbox "${SEED_ARGS[@]}" || { echo "reference sandbox did not start"; exit 1; }
REF_PID=$SANDBOX_PID; REF=$SANDBOX_PORT; workspace "$TMP/ref" $SANDBOX_PORT $SANDBOX_SMTP
start_sandbox "${SEED_ARGS[@]}" || { echo "crash sandbox did not start"; exit 1; }
CRASH_PID=$SANDBOX_PID; CRASH=$SANDBOX_PORT; workspace "$TMP/crash" $SANDBOX_PORT $SANDBOX_SMTP
# Latency stretches a run to a few seconds so the kills land in the middle of remote writes.
curl -sf -X POST -d '{"latency_ms": 40}' "http://127.0.0.1:$CRASH/__sandbox/faults" >/dev/null

"$BIN" sync --json --config "$TMP/ref/config.json" > "$TMP/ref.json"; echo "reference run: exit $? $(head -c 300 "$TMP/ref.json")"

killed=0; runs=0; pending_kills=0
LOG="$TMP/crash/logs/sync.log"; PENDING="$TMP/crash/masterData/.readback-pending"
while [ $killed -lt "$KILLS" ] && [ $runs -lt $((KILLS * 3)) ]; do
  "$BIN" sync --config "$TMP/crash/config.json" >/dev/null 2>&1 &
  pid=$!; runs=$((runs+1))
  if [ $((runs % 3)) -eq 0 ]; then
    # Every third run is killed after its first write answered, so the kill lands among the writes or in the
    # read-back that follows them (issue 18): those writes are pending read-back (.readback-pending).
    for _ in $(seq 1 300); do
      grep -q "\"event\":\"\(grant\|extend\)\.ok\".*\"pid\":$pid[,}]" "$LOG" 2>/dev/null && break
      kill -0 $pid 2>/dev/null || break
      sleep 0.01   # polling the log for the run's first write: not a synchronisation of the product
    done
    sleep "$(printf '0.%03d' $(( RANDOM % 200 )))"
  else
    sleep "$(printf '0.%03d' $(( RANDOM % 650 + 50 )))"   # the kill point, at random: not a wait
  fi
  if kill -9 $pid 2>/dev/null; then
    killed=$((killed+1))
    # Killed after its first write answered: among its writes or in their read-back, with writes pending.
    grep -q "\"event\":\"\(grant\|extend\)\.ok\".*\"pid\":$pid[,}]" "$LOG" 2>/dev/null && [ -s "$PENDING" ] \
      && pending_kills=$((pending_kills+1))
  fi
  wait $pid 2>/dev/null
done
echo "killed $killed of $runs runs mid-flight, $pending_kills after their first write (writes pending read-back)"
check "at least $KILLS runs killed with -9 mid-run" [ $killed -ge "$KILLS" ]
check "kills landed after a run's writes began, with writes pending read-back ($pending_kills)" [ $pending_kills -ge 3 ]
for i in 1 2 3 4 5; do
  "$BIN" sync --json --config "$TMP/crash/config.json" > "$TMP/final.json"; rc=$?
  [ $rc -le 1 ] && break
done
echo "final run: exit $rc $(head -c 300 "$TMP/final.json")"
"$BIN" sync --json --config "$TMP/crash/config.json" > "$TMP/noop.json"
# Read-back after the kills: every write left pending was read back (found, or repaired and found), none is
# left unverified, and a run with nothing written reads nothing back (nothing counted verified unread).
check "nothing left pending read-back after the final run" sh -c "[ ! -s '$PENDING' ]"
check "a run after completion verifies nothing (nothing to read)" [ "$(jq '.verified' "$TMP/noop.json")" = 0 ]
check "no write reported missing on TradingView after the kills" sh -c "! grep -q '\"event\":\"readback.missing\"' '$LOG'"

state $REF > "$TMP/ref-state.json"; state $CRASH > "$TMP/crash-state.json"
"$BIN" review list --json --config "$TMP/ref/config.json" > "$TMP/ref-review.json"
"$BIN" review list --json --config "$TMP/crash/config.json" > "$TMP/crash-review.json"

# The crashed run against the reference: same users with the same expiry (within an hour: the runs start
# seconds apart, a double extension is days off), the same number of writes, nothing left to write,
# the same review queue. One line per difference after the summary line.
jq -n -r -L Tests/e2e --slurpfile ref "$TMP/ref-state.json" --slurpfile crash "$TMP/crash-state.json" --slurpfile noop "$TMP/noop.json" \
      --slurpfile rr "$TMP/ref-review.json" --slurpfile cr "$TMP/crash-review.json" '
  include "compare";
  $ref[0] as $R | $crash[0] as $C |
  access_differences($R; $C) + write_count_difference($R; $C)
  + later_writes($noop[0].callsByEndpoint; "a run after completion")
  + (if ($rr | map(.id) | sort) != ($cr | map(.id) | sort)
     then ["review queues differ: \($rr | length) vs \($cr | length)"] else [] end)
  | "compared \([$R.access[] | length] | add) grants, \($C.writes | length) writes in the crashed sandbox, \($cr | length) review items",
    (.[:20][] | "  " + .)' > "$TMP/compare.txt"
cat "$TMP/compare.txt"
[ "$(wc -l < "$TMP/compare.txt")" -eq 1 ] && PASS=$((PASS+1)) || FAIL=$((FAIL+1))
[ $FAIL -eq 0 ] && echo "ok   crashed sync ends in the reference state" || echo "FAIL crashed sync differs from the reference"

# Damaged files between runs: each damage ends in its named outcome, and no purchase is
# applied twice. WRITES counts the crashed sandbox's state-changing writes before each step.
CFG="$TMP/crash/config.json"; MD="$TMP/crash/masterData"
writes() { state $CRASH | jq '.writes | length'; }
SID='PUB;7d3c1e9a0b2f4c6d8e1f2a3b4c5d6e7f'; J="$MD/$SID.journal"; S="$MD/$SID.json"
# A user of the script, so a grant adds journal lines to damage.
NAME=$(jq -er '[.users[]][0].username' "$S" 2>/dev/null \
  || "$BIN" resync --script "$SID" --json --config "$CFG" | jq -r '.unknownLocal[0].username')
"$BIN" extend --script "$SID" --user "$NAME" --term 7D --config "$CFG" >/dev/null 2>&1
"$BIN" extend --script "$SID" --user "$NAME" --term 7D --config "$CFG" >/dev/null 2>&1
WRITES=$(writes)
# 1. A torn final line (a crash mid-write): dropped, the store opens, nothing is sent again.
printf '{"changes":[{"markProcessed":{"transactionId":"torn' >> "$J"
"$BIN" sync --config "$CFG" >/dev/null 2>&1; rc=$?
check "torn final line: sync goes on (exit $rc)" [ $rc -le 1 ]
check "torn final line: the torn bytes are cut" sh -c "! grep -q torn '$J'"
check "torn final line: nothing applied twice" [ "$(writes)" = "$WRITES" ]
# 2. A changed byte inside a line: the load stops naming file and line; repair sets the rest aside.
"$BIN" extend --script "$SID" --user "$NAME" --term 7D --config "$CFG" >/dev/null 2>&1; WRITES=$(writes)
# A byte inside the first line's changes, flipped in place.
at=$(( $(grep -b -o '"seq"' "$J" | head -1 | cut -d: -f1) - 3 ))
byte=$(od -An -tu1 -j "$at" -N1 "$J" | tr -d ' ')
printf "$(printf '\\%03o' $(( byte ^ 1 )))" | dd of="$J" bs=1 seek="$at" conv=notrunc status=none
"$BIN" sync --config "$CFG" > "$TMP/damaged.txt" 2>&1; rc=$?
check "changed byte: sync refuses with exit 5 (exit $rc)" [ $rc -eq 5 ]
check "changed byte: the error names the journal, the line and the repair" \
  sh -c "grep -q 'journal: unreadable master data: line [0-9]*: checksum mismatch' '$TMP/damaged.txt' && grep -q 'store repair --script' '$TMP/damaged.txt'"
check "changed byte: nothing was sent" [ "$(writes)" = "$WRITES" ]
"$BIN" store repair --script "$SID" --config "$CFG" > "$TMP/repair.txt" 2>&1
check "repair: the rest is set aside beside the journal and listed" sh -c "ls '$MD' | grep -q 'journal.damaged-' && grep -q '^lost' '$TMP/repair.txt'"
# The lines set aside marked purchases processed: a sync now could apply them again, so the store stays
# closed until `store rebuild` compares TradingView with the purchases.
check "repair: processed purchases set aside keep the store closed, naming store rebuild" grep -q "store rebuild" "$TMP/repair.txt"
"$BIN" sync --config "$CFG" >/dev/null 2>&1; rc=$?
check "repair: sync refuses until rebuilt (exit $rc), nothing sent" sh -c "[ $rc -eq 5 ] && [ $(writes) = $WRITES ]"
"$BIN" store rebuild --script "$SID" --config "$CFG" >/dev/null 2>&1
"$BIN" sync --config "$CFG" >/dev/null 2>&1; rc=$?
check "repair, rebuild: sync works again (exit $rc), nothing applied twice" sh -c "[ $rc -le 1 ] && [ $(writes) = $WRITES ]"
# 3. A missing snapshot with an emptied journal: lost, not fresh; nothing written until rebuilt.
WRITES=$(writes)
rm -f "$S"; : > "$J"
"$BIN" sync --config "$CFG" > "$TMP/lost.txt" 2>&1; rc=$?
check "missing snapshot: sync refuses with exit 5 (exit $rc)" [ $rc -eq 5 ]
check "missing snapshot: the error says master data was lost" grep -q "master data was lost" "$TMP/lost.txt"
check "missing snapshot: no purchase applied again" [ "$(writes)" = "$WRITES" ]
"$BIN" store rebuild --script "$SID" --config "$CFG" >/dev/null 2>&1
"$BIN" sync --config "$CFG" >/dev/null 2>&1; rc=$?
check "rebuild: sync works again (exit $rc) and applies no old purchase" sh -c "[ $rc -le 1 ] && [ $(writes) = $WRITES ]"

# Secrets: cookie values and API keys appear in no log, journal, snapshot,
# vault file or command output (config.json itself names the sandbox's key, so it is left out).
{ "$BIN" sync --config "$CFG"; "$BIN" cookies status --config "$CFG"; "$BIN" cookies test --config "$CFG"
  echo 'sessionid=wrong-cookie-value-123; sessionid_sign=wrong-sign-value-456' | "$BIN" cookies set --config "$CFG"
  "$BIN" queue list --config "$CFG"; "$BIN" review list --json --config "$CFG"; } > "$TMP/outputs.txt" 2>&1
for secret in sandbox-sessionid-0123456789 sandbox-sign-abcdef wrong-cookie-value-123 wrong-sign-value-456 sandbox-mp-key; do
  check "no \"$secret\" in files or output" sh -c "! grep -r -l -F '$secret' '$TMP/crash' '$TMP/outputs.txt' --exclude=config.json"
done
check "the rejected cookies were not saved" grep -q "not saved" "$TMP/outputs.txt"
echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
