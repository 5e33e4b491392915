#!/usr/bin/env bash
# batch-grant crash test (issue 10): kill -9 batch-grant at random points, resume until done, and
# compare with an uninterrupted run on an identical sandbox: same access, same number of writes (the
# sandbox's write log), each new user in the CSV once, the sheet's own cells untouched.
set -uo pipefail
cd "$(dirname "$0")/../.."
. Tests/e2e/lib.sh
KILLS=${KILLS:-8}
TMP=$(mktemp -d)
cleanup() { kill $REF_PID $CRASH_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
SEED_ARGS=(--users 300 --transactions 600)
# The vendor's sheet: 120 of the seed's Alpha users, with columns of its own (one quoted with a comma).
cat > "$TMP/sheet.py" <<'PY'
import json, sys
s = json.load(sys.stdin); pine = "PUB;7d3c1e9a0b2f4c6d8e1f2a3b4c5d6e7f"
users = sorted(s["access"].get(pine, []), key=lambda u: u["username"])[:120]
out = ["note,username,script_id,expiration,tier"]
for i, u in enumerate(users):
    note = '"VIP, ""gold"""' if i % 7 == 0 else f"row {i}"
    out.append(f"{note},{u['username']},{pine},{u['expiration'] or ''},t{i % 3}")
open(sys.argv[1], "w", newline="").write("\r\n".join(out) + "\r\n")
PY

start_sandbox 18811 12611 "${SEED_ARGS[@]}" || { echo "reference sandbox did not start"; exit 1; }; REF_PID=$SANDBOX_PID
start_sandbox 18812 12612 "${SEED_ARGS[@]}" || { echo "crash sandbox did not start"; exit 1; }; CRASH_PID=$SANDBOX_PID
for side in ref:18811:12611 crash:18812:12612; do
  IFS=: read -r name port smtp <<< "$side"
  workspace "$TMP/$name" "$port" "$smtp"
  curl -sf -H 'MEMBERPRESS-API-KEY: sandbox-mp-key' "http://127.0.0.1:$port/wp-json/mp/v1/transactions?page=1&per_page=100000" > "$TMP/$name/dump.json"
  state "$port" | python3 "$TMP/sheet.py" "$TMP/$name/users.csv"
  cp "$TMP/$name/users.csv" "$TMP/$name/users.orig.csv"
done
curl -sf -X POST -d '{"latency_ms": 30}' "http://127.0.0.1:18812/__sandbox/faults" >/dev/null

ARGS=(--batch-size 100)
"$BIN" batch-grant "${ARGS[@]}" --json --transactions "$TMP/ref/dump.json" --csv "$TMP/ref/users.csv" --config "$TMP/ref/config.json" > "$TMP/ref.json"
echo "reference run: exit $? $(head -c 200 "$TMP/ref.json")"

# Dry run first: nothing may change.
cp "$TMP/crash/users.csv" "$TMP/dry-before.csv"
"$BIN" batch-grant "${ARGS[@]}" --dry-run --transactions "$TMP/crash/dump.json" --csv "$TMP/crash/users.csv" --config "$TMP/crash/config.json" > "$TMP/dry.txt" 2>&1
check "dry run leaves the CSV byte for byte" cmp -s "$TMP/dry-before.csv" "$TMP/crash/users.csv"
check "dry run sends no write" python3 -c "import json,sys; sys.exit(len(json.load(open('/dev/stdin'))['writes']))" < <(state 18812)
check "dry run prints what it would append" grep -q "would append" "$TMP/dry.txt"

killed=0; runs=0
while [ $killed -lt "$KILLS" ] && [ $runs -lt $((KILLS * 3)) ]; do
  "$BIN" batch-grant "${ARGS[@]}" --transactions "$TMP/crash/dump.json" --csv "$TMP/crash/users.csv" --config "$TMP/crash/config.json" >/dev/null 2>&1 &
  pid=$!; runs=$((runs+1))
  sleep "$(python3 -c 'import random; print(round(random.uniform(0.1, 1.2), 3))')"
  if kill -9 $pid 2>/dev/null; then killed=$((killed+1)); fi
  wait $pid 2>/dev/null
done
echo "killed $killed of $runs runs mid-flight"
check "at least $KILLS runs killed with -9 mid-run" [ $killed -ge "$KILLS" ]
for i in 1 2 3 4 5; do
  "$BIN" batch-grant "${ARGS[@]}" --json --transactions "$TMP/crash/dump.json" --csv "$TMP/crash/users.csv" --config "$TMP/crash/config.json" > "$TMP/final.json"; rc=$?
  [ $rc -le 1 ] && break
done
echo "final run: exit $rc $(head -c 200 "$TMP/final.json")"
"$BIN" sync --json --config "$TMP/crash/config.json" > "$TMP/sync-after.json"

state 18811 > "$TMP/ref-state.json"; state 18812 > "$TMP/crash-state.json"
python3 - "$TMP" <<'PY' && PASS=$((PASS+1)) || FAIL=$((FAIL+1))
import csv, json, sys, datetime
t = sys.argv[1]
ref, crash = json.load(open(f"{t}/ref-state.json")), json.load(open(f"{t}/crash-state.json"))
def when(s): return None if s in (None, "") else datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
bad = []
for pine, users in ref["access"].items():
    r = {u["username"]: when(u["expiration"]) for u in users}
    c = {u["username"]: when(u["expiration"]) for u in crash["access"].get(pine, [])}
    if set(r) != set(c): bad.append(f"{pine}: users differ: only ref {sorted(set(r)-set(c))[:5]}, only crash {sorted(set(c)-set(r))[:5]}")
    for u in set(r) & set(c):
        a, b = r[u], c[u]
        if (a is None) != (b is None) or (a is not None and abs(a - b) > 3600):
            bad.append(f"{pine} {u}: reference {a} crash {b}")
if len(crash["writes"]) != len(ref["writes"]):
    bad.append(f"the crashed sandbox saw {len(crash['writes'])} writes, the reference {len(ref['writes'])}: something applied twice or lost")
final = json.load(open(f"{t}/final.json"))
if final["remaining"] != 0: bad.append(f"final run left {final['remaining']} pending")
after = json.load(open(f"{t}/sync-after.json"))
w = sum(v for k, v in after["callsByEndpoint"].items() if k in ("tv.add", "tv.modify_expiration", "tv.remove"))
if w: bad.append(f"a sync after batch-grant wrote {w} times")
for side in ("ref", "crash"):
    rows = list(csv.reader(open(f"{t}/{side}/users.csv", newline="", encoding="utf-8")))
    orig = list(csv.reader(open(f"{t}/{side}/users.orig.csv", newline="", encoding="utf-8")))
    head = rows[0]; e = head.index("expiration")
    for i, o in enumerate(orig):
        if [x for j, x in enumerate(o) if j != e] != [x for j, x in enumerate(rows[i]) if j != e]: bad.append(f"{side} row {i+1} changed"); break
    keys = [(r[head.index("script_id")], r[head.index("username")].lower()) for r in rows[1:]]
    if len(keys) != len(set(keys)): bad.append(f"{side}: a user appears twice in the CSV")
    if side == "crash": crash_keys = set(keys)
    else: ref_keys = set(keys)
if crash_keys != ref_keys: bad.append(f"CSV users differ: {len(crash_keys)} vs {len(ref_keys)}")
print(f"compared {sum(len(v) for v in ref['access'].values())} grants, {len(crash['writes'])} writes, {len(crash_keys)} CSV rows")
for b in bad[:20]: print("  " + b)
sys.exit(1 if bad else 0)
PY
[ $FAIL -eq 0 ] && echo "ok   killed batch-grant ends in the reference state" || echo "FAIL killed batch-grant differs from the reference"

# Malformed input: refused with row and column, nothing written.
printf 'script_id,username,expiration\r\nPUB;x,A,2027-01-01\r\nPUB;x,B\r\n' > "$TMP/ragged.csv"
cp "$TMP/ragged.csv" "$TMP/ragged.orig"
out=$("$BIN" batch-grant --transactions "$TMP/crash/dump.json" --csv "$TMP/ragged.csv" --config "$TMP/crash/config.json" 2>&1); rc=$?
check "a ragged CSV exits 2 naming row 3, column 3" sh -c "[ $rc -eq 2 ] && echo '$out' | grep -q 'ragged.csv: row 3, column 3'"
check "the ragged CSV is left as it was" cmp -s "$TMP/ragged.csv" "$TMP/ragged.orig"
echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
