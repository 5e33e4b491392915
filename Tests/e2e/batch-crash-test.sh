#!/usr/bin/env bash
# batch-grant crash test: kill -9 batch-grant at random points, resume until done, and
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
PINE='PUB;7d3c1e9a0b2f4c6d8e1f2a3b4c5d6e7f'
# The vendor's sheet: 120 of the seed's Alpha users, with columns of its own (one quoted with a comma),
# CRLF line ends. Reads the sandbox state on stdin, writes the CSV to $1.
sheet() {
  jq -j --arg pine "$PINE" '
    "note,username,script_id,expiration,tier\r\n",
    ((.access[$pine] // []) | sort_by(.username)[:120] | to_entries[]
     | (if .key % 7 == 0 then "\"VIP, \"\"gold\"\"\"" else "row \(.key)" end)
       + ",\(.value.username),\($pine),\(.value.expiration // ""),t\(.key % 3)\r\n")' > "$1"
}

start_sandbox "${SEED_ARGS[@]}" || { echo "reference sandbox did not start"; exit 1; }
REF_PID=$SANDBOX_PID; REF=$SANDBOX_PORT; REF_SMTP=$SANDBOX_SMTP
start_sandbox "${SEED_ARGS[@]}" || { echo "crash sandbox did not start"; exit 1; }
CRASH_PID=$SANDBOX_PID; CRASH=$SANDBOX_PORT; CRASH_SMTP=$SANDBOX_SMTP
for side in ref:$REF:$REF_SMTP crash:$CRASH:$CRASH_SMTP; do
  IFS=: read -r name port smtp <<< "$side"
  workspace "$TMP/$name" "$port" "$smtp"
  curl -sf -H 'MEMBERPRESS-API-KEY: sandbox-mp-key' "http://127.0.0.1:$port/wp-json/mp/v1/transactions?page=1&per_page=100000" > "$TMP/$name/dump.json"
  state "$port" | sheet "$TMP/$name/users.csv"
  cp "$TMP/$name/users.csv" "$TMP/$name/users.orig.csv"
done
curl -sf -X POST -d '{"latency_ms": 30}' "http://127.0.0.1:$CRASH/__sandbox/faults" >/dev/null

ARGS=(--batch-size 100)
"$BIN" batch-grant "${ARGS[@]}" --json --transactions "$TMP/ref/dump.json" --csv "$TMP/ref/users.csv" --config "$TMP/ref/config.json" > "$TMP/ref.json"
echo "reference run: exit $? $(head -c 200 "$TMP/ref.json")"

# Dry run first: nothing may change.
cp "$TMP/crash/users.csv" "$TMP/dry-before.csv"
"$BIN" batch-grant "${ARGS[@]}" --dry-run --transactions "$TMP/crash/dump.json" --csv "$TMP/crash/users.csv" --config "$TMP/crash/config.json" > "$TMP/dry.txt" 2>&1
check "dry run leaves the CSV byte for byte" cmp -s "$TMP/dry-before.csv" "$TMP/crash/users.csv"
check "dry run sends no write" jq -e '.writes | length == 0' < <(state $CRASH)
check "dry run prints what it would append" grep -q "would append" "$TMP/dry.txt"

killed=0; runs=0
while [ $killed -lt "$KILLS" ] && [ $runs -lt $((KILLS * 3)) ]; do
  "$BIN" batch-grant "${ARGS[@]}" --transactions "$TMP/crash/dump.json" --csv "$TMP/crash/users.csv" --config "$TMP/crash/config.json" >/dev/null 2>&1 &
  pid=$!; runs=$((runs+1))
  ms=$(( RANDOM % 1101 + 100 ))
  sleep "$(printf '%d.%03d' $(( ms / 1000 )) $(( ms % 1000 )))"   # the kill point, at random (0.1 to 1.2 s): not a wait
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

state $REF > "$TMP/ref-state.json"; state $CRASH > "$TMP/crash-state.json"
# The resumed run against the reference: same users with the same expiry (within an hour: the runs start
# seconds apart, a double grant is days off), the same number of writes, nothing left pending, no write
# from a sync afterwards; per CSV: the original rows unchanged but for the expiration column, no user
# (script_id, username in any case) twice, and the same users in both. One line per difference after
# the summary line.
jq -n -r -L Tests/e2e --slurpfile ref "$TMP/ref-state.json" --slurpfile crash "$TMP/crash-state.json" \
      --slurpfile final "$TMP/final.json" --slurpfile after "$TMP/sync-after.json" \
      --rawfile refcsv "$TMP/ref/users.csv" --rawfile reforig "$TMP/ref/users.orig.csv" \
      --rawfile crashcsv "$TMP/crash/users.csv" --rawfile crashorig "$TMP/crash/users.orig.csv" '
  include "compare";
  # RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF line ends.
  def csv_rows:
    [scan("(\"(?:[^\"]|\"\")*\"|[^,\"\\r\\n]*)(,|\\r?\\n|$)")]
    | reduce .[] as [$f, $sep] ({rows: [], row: []};
        ($f | if startswith("\"") then .[1:-1] | gsub("\"\""; "\"") else . end) as $v
        | if $sep == "," then .row += [$v]
          elif $sep != "" then .rows += [.row + [$v]] | .row = []
          elif .row == [] and $v == "" then .
          else .rows += [.row + [$v]] | .row = [] end)
    | .rows;
  # One side'"'"'s CSV: {bad: [differences], keys: [[script_id, lowercased username] of each data row]}.
  def sheet($side; $now; $orig):
    ($now | csv_rows) as $rows | ($orig | csv_rows) as $o | $rows[0] as $head
    | ($head | index("expiration")) as $e | ($head | index("script_id")) as $s | ($head | index("username")) as $u
    | if $e == null or $s == null or $u == null then {bad: ["\($side): the header lost a column: \($head)"], keys: []}
      else [$rows[1:][] | [.[$s], (.[$u] | ascii_downcase)]] as $keys
      | {bad: ([first(range($o | length) | select(($o[.] | del(.[$e])) != ($rows[.] | del(.[$e]))))
                | "\($side) row \(. + 1) changed"]
               + (if ($keys | length) != ($keys | unique | length) then ["\($side): a user appears twice in the CSV"] else [] end)),
         keys: $keys}
      end;
  $ref[0] as $R | $crash[0] as $C
  | sheet("ref"; $refcsv; $reforig) as $rs | sheet("crash"; $crashcsv; $crashorig) as $cs
  | ($cs.keys | unique) as $ck | ($rs.keys | unique) as $rk
  | access_differences($R; $C) + write_count_difference($R; $C)
  + (if $final[0].remaining != 0 then ["final run left \($final[0].remaining) pending"] else [] end)
  + later_writes($after[0].callsByEndpoint; "a sync after batch-grant")
  + $rs.bad + $cs.bad
  + (if $ck != $rk then ["CSV users differ: \($ck | length) vs \($rk | length)"] else [] end)
  | "compared \([$R.access[] | length] | add) grants, \($C.writes | length) writes, \($ck | length) CSV rows",
    (.[:20][] | "  " + .)' > "$TMP/compare.txt"; rc=$?
cat "$TMP/compare.txt"
[ $rc -eq 0 ] && [ "$(wc -l < "$TMP/compare.txt")" -eq 1 ] && PASS=$((PASS+1)) || FAIL=$((FAIL+1))
[ $FAIL -eq 0 ] && echo "ok   killed batch-grant ends in the reference state" || echo "FAIL killed batch-grant differs from the reference"

# Malformed input: refused with row and column, nothing written.
printf 'script_id,username,expiration\r\nPUB;x,A,2027-01-01\r\nPUB;x,B\r\n' > "$TMP/ragged.csv"
cp "$TMP/ragged.csv" "$TMP/ragged.orig"
out=$("$BIN" batch-grant --transactions "$TMP/crash/dump.json" --csv "$TMP/ragged.csv" --config "$TMP/crash/config.json" 2>&1); rc=$?
check "a ragged CSV exits 2 naming row 3, column 3" sh -c "[ $rc -eq 2 ] && echo '$out' | grep -q 'ragged.csv: row 3, column 3'"
check "the ragged CSV is left as it was" cmp -s "$TMP/ragged.csv" "$TMP/ragged.orig"
echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
