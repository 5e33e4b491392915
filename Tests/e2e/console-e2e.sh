#!/usr/bin/env bash
# End-to-end test of the console: the real binary in tmux on the demo sandbox. Sends keys for validate,
# grant, extend, revoke, sync, resync, review fix-and-grant and cookie update, and checks both the screen
# (tmux capture-pane) and the sandbox's state (its control routes). Run by `make e2e` after `swift build`.
set -u
export LC_ALL=C.UTF-8 LANG=C.UTF-8

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BIN:-$ROOT/.build/debug/access-console}
# The demo's sandbox listens on free ports (port 0; a fixed port flakes beside other runs); BASE is read
# back from the config the demo writes into its data folder once it is up.
BASE=
SOCK="ace2e-$$"            # a private tmux server: never touches the user's sessions
SESSION=ace2e
ALPHA='PUB;7d3c1e9a0b2f4c6d8e1f2a3b4c5d6e7f'
NEW_USER=CoffeeChartist    # a demo account without access and without purchases
PASSED=0
FAILED=0

TMP=$(mktemp -d "${TMPDIR:-/tmp}/console-e2e.XXXXXX")
HOLDER=
DAEMON=
cleanup() {
    [ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
    [ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null
    tmux -L "$SOCK" kill-server >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v tmux >/dev/null || { echo "console-e2e: tmux is not installed"; exit 2; }
[ -x "$BIN" ] || { echo "console-e2e: $BIN not built (run swift build)"; exit 2; }

screen() { tmux -L "$SOCK" capture-pane -p -t "$SESSION" 2>/dev/null; }
keys() { tmux -L "$SOCK" send-keys -t "$SESSION" "$@"; }
text() { tmux -L "$SOCK" send-keys -t "$SESSION" -l -- "$1"; }

now_ns() { date +%s%N; }
# Every wait also stops at the whole run's budget, so a broken console fails fast instead of hanging.
BUDGET_END=$(( $(now_ns) + ${E2E_BUDGET_S:-100} * 1000000000 ))
deadline_in() { local d=$(( $(now_ns) + $1 * 1000000000 )); echo $(( d < BUDGET_END ? d : BUDGET_END )); }

# poll SECONDS COMMAND...: until the command succeeds, at most SECONDS (and the run's budget).
poll() {
    local deadline; deadline=$(deadline_in "$1"); shift
    while [ "$(now_ns)" -lt "$deadline" ]; do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}
shows() { screen | grep -qF -- "$1"; }
matches() { screen | grep -qE -- "$1"; }
lacks() { ! shows "$1"; }
# The screen shows $1 (fixed string) / matches the extended regex $1 / no longer shows $1, within $2 s.
wait_screen() { poll "${2:-10}" shows "$1"; }
wait_regex() { poll "${2:-10}" matches "$1"; }
wait_gone() { poll "${2:-10}" lacks "$1"; }

# Polls until `$@` succeeds, at most 10 seconds.
wait_for() { poll 10 "$@"; }

pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() {
    FAILED=$((FAILED + 1)); echo "FAIL - $1"
    echo "------ screen ------"; screen | sed 's/[[:space:]]*$//' | grep -v '^$' | tail -40; echo "--------------------"
    if screen | grep -q CONSOLE-EXITED || [ "$(now_ns)" -ge "$BUDGET_END" ]; then
        echo "console-e2e: stopping early (the console exited or the time budget is spent)"
        head -20 "$TMP/stderr" 2>/dev/null
        echo "$PASSED passed, $FAILED failed"; exit 1
    fi
}
# check NAME COMMAND...: one line per check.
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }

state() { curl -sf "$BASE/__sandbox/state"; }
# sandbox FILTER: a jq condition over the sandbox state that must be true; access("NAME") is NAME's
# access to the Alpha script (null without).
JQ_DEFS='def access($u): ((.access[$pine] // []) | map(select(.username == $u)) | first);
def calls($path): (.calls[$path] // 0);'
sandbox() { state | jq -e --arg pine "$ALPHA" "$JQ_DEFS $1" >/dev/null; }
sandbox_value() { state | jq -r --arg pine "$ALPHA" "$JQ_DEFS $1"; }
expiration() { sandbox_value "access(\"$1\").expiration // \"none\""; }
# The number of TradingView writes the sandbox received for a user.
writes_for() { sandbox_value "[.writes[] | select(.username == \"$1\")] | length"; }
more_writes() { [ "$(writes_for "$1")" -gt "$2" ]; }

# Puts the Users pane on exactly one user.
select_user() {
    keys 2; keys /; keys C-u; text "$1"; keys Enter
    wait_regex "Users · .* · 1 of [0-9]+" 5
}

cd "$TMP"   # the demo carries its own config: it must work outside the repository
# --- config check refuses what the console would refuse at start: clashing or unknown console.keys ----
"$BIN" bench --console-fixture 1 --fixture-dir "$TMP/keys" >/dev/null
jq '.console.keys = {"grant": "q"}' "$TMP/keys/config.json" > "$TMP/keys/clash.json"
jq '.console.keys = {"grnat": "G"}' "$TMP/keys/config.json" > "$TMP/keys/unknown.json"
"$BIN" config check --config "$TMP/keys/clash.json" > "$TMP/keys/clash.out" 2>&1; rc=$?
check "config check: clashing console.keys refused (exit $rc), naming the key" sh -c "[ $rc -eq 2 ] && grep -q 'console.keys: q would do both' '$TMP/keys/clash.out'"
"$BIN" config check --config "$TMP/keys/unknown.json" > "$TMP/keys/unknown.out" 2>&1; rc=$?
check "config check: unknown console.keys action refused (exit $rc)" sh -c "[ $rc -eq 2 ] && grep -q 'unknown action \"grnat\"' '$TMP/keys/unknown.out'"

# --- start ------------------------------------------------------------------------------------------
tmux -L "$SOCK" new-session -d -s "$SESSION" -x 120 -y 40 \
    "'$BIN' demo --data-dir '$TMP/data' --port 0 --smtp-port 0 2>'$TMP/stderr'; echo CONSOLE-EXITED \$?; sleep 30"
check "first frame shows the demo scripts" wait_screen "Alpha Trend Suite" 30
check "first frame: the demo session is tested and valid" wait_screen "session ✓ valid" 5
BASE=$(jq -r '.tradingview.base_url // empty' "$TMP/data/config.json" 2>/dev/null)
check "first frame: says what to press (S to sync)" wait_screen "press S to sync purchases" 5
check "first frame: the header says no sync yet" wait_screen "no sync seen yet: press S" 5
check "sandbox answers on its free port (${BASE:-none})" wait_for state >/dev/null
if [ "$FAILED" -gt 0 ]; then
    head -20 "$TMP/stderr" 2>/dev/null
    echo "$PASSED passed, $FAILED failed"; exit 1
fi

# --- validate ---------------------------------------------------------------------------------------
keys 1; keys v; keys C-u; text "coffeechartist"; keys Enter
check "validate: screen names the canonical spelling" wait_screen "spelled CoffeeChartist"
check "validate: asked TradingView, changed nothing" sandbox 'calls("/username_hint/") >= 1 and (.writes | length) == 0'

# --- events of another process reach the Log pane (tailed from logs/sync.log) ---------------------------
"$BIN" validate --config "$TMP/data/config.json" DogeDave >"$TMP/other.out" 2>&1
check "other process: its validate ran" grep -qx DogeDave "$TMP/other.out"
check "other process: its event shows in the Log pane" wait_screen "DogeDave" 5

# --- grant ------------------------------------------------------------------------------------------
keys g; text "$NEW_USER"; keys Enter
wait_screen "Grant $NEW_USER" 5
keys Enter                                    # the picker opens on nothing: Enter writes nothing
check "grant: the term picker opens on nothing, Enter asks for a term" wait_screen "choose a term with j/k" 5
check "grant: nothing was written" sandbox "access(\"$NEW_USER\") == null"
text "1M"
check "grant: a typed term shows none -> the new expiry" wait_regex "$NEW_USER +none -> 20[0-9-]+" 5
keys Enter
check "grant: status line says granted 1M" wait_screen "granted 1M to $NEW_USER on Alpha Trend Suite"
check "grant: sandbox has the access" wait_for sandbox "access(\"$NEW_USER\") != null and access(\"$NEW_USER\").expiration != null"
check "grant: the Log pane shows the grant event" wait_screen "grant.ok" 5
GRANTED=$(expiration "$NEW_USER")

# --- extend -----------------------------------------------------------------------------------------
check "extend: user is listed in the Users pane" select_user "$NEW_USER"
keys e; wait_screen "Extend $NEW_USER" 5
keys k k k                                     # up from nothing: 7D, and k at the top does not wrap
check "extend: k at the top stays on 7D (no wrap)" wait_regex "▶ 7D" 5
keys End k k                                   # lifetime -> 1Y -> 6M
check "extend: End then k k lands on 6M, with current -> new" wait_regex "$NEW_USER +20[0-9-]+ -> 20[0-9-]+" 5
keys Enter
check "extend: status line says extended by 6M" wait_screen "extended $NEW_USER by 6M on Alpha Trend Suite"
check "extend: sandbox expiration moved later" wait_for sandbox "access(\"$NEW_USER\") != null and access(\"$NEW_USER\").expiration > \"$GRANTED\""

# --- revoke -----------------------------------------------------------------------------------------
keys r
check "revoke: confirm dialog names user and script" wait_screen "Revoke $NEW_USER's access to Alpha Trend Suite?" 5
keys Enter                                     # focus starts on Cancel
check "revoke: Enter on Cancel cancels" wait_screen "cancelled" 5
check "revoke: sandbox still has the access" sandbox "access(\"$NEW_USER\") != null"
keys r; wait_screen "Revoke $NEW_USER's access" 5; keys Tab; keys Enter
check "revoke: status line says revoked" wait_screen "revoked $NEW_USER on Alpha Trend Suite"
check "revoke: sandbox removed the access" wait_for sandbox "access(\"$NEW_USER\") == null"

# --- dry run: a grant is logged, not sent ------------------------------------------------------------
keys d
check "dry run: header says DRY RUN" wait_screen "DRY RUN" 5
keys g; text "$NEW_USER"; keys Enter; wait_screen "Grant $NEW_USER" 5; text "1M"; keys Enter
check "dry run: status line says would grant" wait_screen "dry run: would grant 1M to $NEW_USER"
check "dry run: sandbox unchanged" sandbox "access(\"$NEW_USER\") == null"
keys d
check "dry run: off again" wait_screen "LIVE" 5

# --- sync now: the demo's first run shows its plan first ---------------------------------------------
W0=$(sandbox_value '.writes | length')
keys S
check "first run: the plan shows before anything is written" wait_screen "First run: TradingView compared" 30
check "first run: adopted, owed and review counts" wait_regex "[0-9]+ users already hold what they paid for" 5
check "first run: the preview wrote nothing" sandbox ".writes | length == $W0"
keys Tab; keys Enter
check "sync: sandbox got the buyers' grants" wait_for sandbox 'access("IchimokuIvy") != null and access("BacktestBella") == null'
check "sync: status line reports the run" wait_regex "• sync done: [0-9]+ processed" 30
check "status line: the run's read-back counts" wait_regex "sync done: [0-9]+ processed.* [0-9]+ verified" 5

# --- header: the last sync and the next ---------------------------------------------------------------
check "header: last sync, when and how it ended" wait_regex "sync idle · last [0-9]+[smh] ago ok \\+[0-9]+" 5
check "header: the next sync (none scheduled without a daemon)" wait_screen "· next: none" 5

# --- user detail: a purchase and its writes ------------------------------------------------------------
check "detail: IchimokuIvy is listed" select_user IchimokuIvy
keys Enter
check "detail: opens on the user with what they hold" wait_regex "Holds now: 20[0-9-]+" 5
check "detail: the purchase's grant, by the console's sync, with its purchase id" wait_regex "grant +console \\([^)]*\\) +ok +20[0-9-]+ +[A-Za-z0-9-]+" 10
check "detail: the expiry TradingView holds, and when it was seen" wait_regex "TradingView holds: 20[0-9-]+ \\(write answered ok, seen 20" 5
check "detail: the expiry the purchases entitle (read from MemberPress)" wait_regex "purchases entitle: 20[0-9-]+ \\([0-9]+ purchases?\\)" 5
keys Escape; wait_gone "Holds now:" 5

# --- : history and Tab completion -------------------------------------------------------------------
keys Escape                                   # Esc clears the kept filter
check "Esc clears the kept filter" wait_gone "1 of " 5
keys :; text "user Ichi"; keys Tab
check "command: Tab completes a user" wait_screen ": user IchimokuIvy" 5
keys Enter
check "command: :user opens the detail" wait_regex "Holds now: 20[0-9-]+" 5
keys Escape; wait_gone "Holds now:" 5
keys :; keys Up
check "command: Up recalls the last line" wait_screen ": user IchimokuIvy" 5
keys Escape

# --- n/N search -------------------------------------------------------------------------------------
keys 2; keys n; text "ichimoku"; keys Enter
check "search: n finds the user without hiding the others" wait_screen "found IchimokuIvy for \"ichimoku\"" 5
keys n
check "search: n again wraps to the same single match" wait_screen "wrapped to the top" 5
keys Escape                                   # clears the search

# --- a bulk extend lists its users with the preview before anything is written -------------------------
keys Home; keys Space Space
check "bulk: two users marked" wait_screen "2 marked" 5
BULK_BEFORE=$(sandbox_value '.writes | length')
keys e; text "1M"; keys Enter
check "bulk: Enter asks first, listing each user with current -> new" wait_regex "Extend 2 users by 1M" 5
check "bulk: the preview lines show an arrow per user" sh -c "[ \$(tmux -L '$SOCK' capture-pane -p -t '$SESSION' | grep -cE ' -> 20[0-9-]+') -ge 2 ]"
keys Enter                                    # focus starts on Cancel
check "bulk: Cancel wrote nothing" sh -c "[ \"\$(curl -sf '$BASE/__sandbox/state' | jq '.writes | length')\" = '$BULK_BEFORE' ]"
keys Escape                                   # clears the marks

# --- ? stays in the footer at 80 columns ----------------------------------------------------------------
tmux -L "$SOCK" resize-window -t "$SESSION" -x 80 -y 24 2>/dev/null || tmux -L "$SOCK" resize-pane -t "$SESSION" -x 80 -y 24
check "80 columns: the footer still offers ? help" poll 5 sh -c "tmux -L '$SOCK' capture-pane -p -t '$SESSION' | grep -v '^ *\$' | tail -1 | grep -qF '? help'"
tmux -L "$SOCK" resize-window -t "$SESSION" -x 120 -y 40 2>/dev/null || tmux -L "$SOCK" resize-pane -t "$SESSION" -x 120 -y 40
wait_screen "Alpha Trend Suite" 5

# --- resync -----------------------------------------------------------------------------------------
# Drift: someone removes IchimokuIvy on TradingView by hand.
curl -sf -o /dev/null -X POST "$BASE/pine_perm/remove/" -H "Origin: https://www.tradingview.com" \
    -H "Cookie: sessionid=sandbox-sessionid-0123456789; sessionid_sign=sandbox-sign-abcdef" \
    --data-urlencode "pine_id=$ALPHA" --data-urlencode "username_recip=IchimokuIvy"
check "resync: drift introduced in the sandbox" sandbox 'access("IchimokuIvy") == null'
keys 1; keys s
check "resync: diff shows the missing user" wait_screen "missing on TradingView: IchimokuIvy" 10
keys Tab; keys Enter
check "resync: status line says applied" wait_screen "resync of Alpha Trend Suite applied"
check "resync: sandbox has the access again" wait_for sandbox 'access("IchimokuIvy") != null'

# --- review: fix the name, validate, grant ------------------------------------------------------------
keys 3
found=no
for _ in $(seq 1 12); do
    keys Enter
    if wait_screen 'typed "BacktestBela"' 2; then found=yes; break; fi
    if screen | grep -qF 'typed "'; then keys Escape; wait_gone 'typed "' 2; fi
    keys j
done
check "review: the mistyped BacktestBela is in the queue" test "$found" = yes
keys Left; text "l"; keys Enter               # the suggestion is selected: Left edits it, BacktestBela -> BacktestBella
check "review: status line says granted and resolved" wait_screen "granted BacktestBella on Alpha Trend Suite"
check "review: sandbox has the fixed name's access" wait_for sandbox 'access("BacktestBella") != null'
check "review: the item left the queue" wait_gone "BacktestBela " 5

# --- history --user: the CLI twin of the user detail ----------------------------------------------------
"$BIN" history --config "$TMP/data/config.json" --user backtestbella > "$TMP/history.out" 2>&1; rc=$?
check "history: exits 0 for a known customer (exit $rc)" test "$rc" -eq 0
check "history: names the user and the script" grep -qF "BacktestBella on Alpha Trend Suite" "$TMP/history.out"
# The demo's purchases are days old: the first run reviews the bad name without mailing the customer.
check "history: the purchase's review (a first run mails no old purchase), then the fix" sh -c "grep -q 'review.added' '$TMP/history.out' && ! grep -q 'mail.sent' '$TMP/history.out'"
"$BIN" history --config "$TMP/data/config.json" --user BacktestBella --json > "$TMP/history.json" 2>/dev/null
check "history --json: lines with actors" jq -e '.[0].lines | length > 0 and all(.[]; has("actor"))' "$TMP/history.json"
check "history: the expiry TradingView holds beside the one the purchases entitle" sh -c "grep -qE '^TradingView holds: (20[0-9-]+|lifetime|none) \\(' '$TMP/history.out' && grep -qE '^purchases entitle: (20[0-9-]+|lifetime|none).*\\(1 purchase' '$TMP/history.out'"
check "history --json: both expiries, the fix by the console" jq -e '.[0].tradingView.expiry and .[0].entitled.purchases == 1 and any(.[0].lines[]; .actor | startswith("console ("))' "$TMP/history.json"
"$BIN" history --config "$TMP/data/config.json" --user nobody_at_all > /dev/null 2>&1; rc=$?
check "history: an unknown customer exits 2 (exit $rc)" test "$rc" -eq 2

# --- dry run never lies: d pressed while a sync runs, then a write does what the header says ----------
# Ten rounds of S, then d 0.1-0.2 s later (as a quick hand would). Once idle, the header's mode is read
# and an extension sent: the sandbox must see a write exactly when the header said LIVE.
text ":grant $NEW_USER 1M"; keys Enter
check "dry run rounds: the user has access to extend" wait_for sandbox "access(\"$NEW_USER\") != null"
agreed=0
for round in 1 2 3 4 5 6 7 8 9 10; do
    keys S
    sleep "0.1$(( RANDOM % 10 ))"      # the delay under test, not a wait for anything
    keys d
    # The console's answer to d: switched, or refused because a write runs. Only then is it settled.
    wait_regex "dry run (on|off): |still (live|dry run) while" 20 && wait_screen "sync idle" 20 && wait_gone "⟳" 20
    header=$(screen | head -1)
    before=$(writes_for "$NEW_USER")
    text ":extend $NEW_USER ${round}D"; keys Enter    # a term of its own per round: no stale status line matches
    if echo "$header" | grep -qF "DRY RUN"; then
        wait_screen "would extend $NEW_USER by ${round}D on" 10 && [ "$(writes_for "$NEW_USER")" = "$before" ] && agreed=$((agreed + 1))
    elif echo "$header" | grep -qF "LIVE"; then
        wait_for more_writes "$NEW_USER" "$before" && agreed=$((agreed + 1))
    fi
    echo "     round $round: header $(echo "$header" | grep -oE 'DRY RUN|LIVE'), $agreed agreed so far"
    wait_gone "⟳" 10
done
check "dry run: 10 of 10 extensions did what the header said ($agreed agreed)" test "$agreed" -eq 10
check "dry run rounds: both modes were seen (live writes: $(writes_for "$NEW_USER"))" test "$(writes_for "$NEW_USER")" -ge 2
# Back to live for what follows, and the grants taken back.
screen | head -1 | grep -qF "DRY RUN" && { keys d; wait_screen "LIVE" 5; }
text ":revoke $NEW_USER"; keys Enter; wait_screen "Revoke $NEW_USER's access" 5; keys Tab; keys Enter
check "dry run rounds: the user is revoked again" wait_for sandbox "access(\"$NEW_USER\") == null"

# --- cookie update ------------------------------------------------------------------------------------
curl -sf -o /dev/null -X POST "$BASE/__sandbox/session" -H 'Content-Type: application/json' \
    -d '{"sessionid": "e2e-fresh-sessionid-42", "sessionid_sign": "e2e-fresh-sign-42"}'
keys 5; keys t
check "cookies: old cookies test as stale" wait_screen "session ✗ STALE" 10
BEFORE=$(sandbox_value 'calls("/tvcoins/details/")')
keys u; text "e2e-fresh-sessionid-42"; keys Tab; text "e2e-fresh-sign-42"; keys Enter
check "cookies: status line says tested and saved" wait_screen "cookies tested and saved"
check "cookies: header badge is valid again" wait_screen "session ✓ valid" 5
check "cookies: the secret is not on screen" sh -c "! tmux -L '$SOCK' capture-pane -p -t '$SESSION' | grep -qF e2e-fresh"
check "cookies: sandbox was asked to check them" sandbox "calls(\"/tvcoins/details/\") > $BEFORE"

# --- another process holds the sync lock ---------------------------------------------------------------
# Holds the lock as a sync would: flock, write the pid, keep the descriptor open (exec keeps the pid).
bash -c 'exec 9>>"$1"; flock 9; : > "$1"; echo $$ > "$1"; exec sleep 20' _ "$TMP/data/masterData/.sync.lock" &
HOLDER=$!
wait_for grep -qx "$HOLDER" "$TMP/data/masterData/.sync.lock"
check "lock: header shows the other process's sync, no key pressed" wait_screen "sync running (pid $HOLDER)" 5
keys S
check "lock: sync now is refused, naming the pid" wait_screen "failed: sync running (pid $HOLDER)" 5
kill "$HOLDER"; wait "$HOLDER" 2>/dev/null
check "lock: header is idle once the holder is gone, no key pressed" wait_screen "sync idle" 5

# --- a daemon on the same folder: its session watch in the Session pane -------------------------------------
# Its own config beside the demo's (same folders), the watch every 3 s, no startup sync, a free port.
jq '.tradingview.session_check_minutes = 0.05' "$TMP/data/config.json" > "$TMP/data/config-daemon.json"
"$BIN" daemon --config "$TMP/data/config-daemon.json" --listen 127.0.0.1:0 --no-startup-sync > "$TMP/daemon.out" 2>&1 &
DAEMON=$!
keys 5
check "watch: the Session pane shows the daemon's next check" wait_regex "Watch: (not checked|checked [0-9]+[smh] ago), next [0-9]+[smh]" 15
check "watch: and its last check, once made" wait_regex "Watch: checked [0-9]+[smh] ago, next [0-9]+[smh]" 15
kill "$DAEMON"; wait "$DAEMON" 2>/dev/null; DAEMON=

# --- quit -------------------------------------------------------------------------------------------
keys q
check "quit: the console exits cleanly" wait_screen "CONSOLE-EXITED 0" 10

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
