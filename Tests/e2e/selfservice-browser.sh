#!/usr/bin/env bash
# The customer's fix-link page in a real browser (Debian's headless Chromium): sandbox and daemon as
# their own processes, a purchase under a hostile mistyped name, the link taken from the mail in the
# sandbox's SMTP sink. Screenshots (a phone-sized window) go to .build/e2e-artifacts/ for a person to look at.
# What runs where:
# - Chromium GETs the link from the daemon: the form (DOM asserted, fix-1-form.png) and, at the end, the
#   "already used" page (fix-4-used.png).
# - curl sends the form's POSTs (headless Chromium cannot submit a form without a script), with the headers
#   a browser sends from the page (Origin: null, Sec-Fetch-Site: same-origin); Chromium then renders each
#   saved answer from a file: the wrong-name form (fix-2-wrong-name.png) and the done page (fix-3-done.png).
#   Those two are the daemon's HTML in Chromium, not a browser's own submit.
set -uo pipefail
cd "$(dirname "$0")/../.."
. Tests/e2e/lib.sh
START=$SECONDS
CHROME=${CHROME:-$(command -v chromium-headless-shell || echo /usr/lib/chromium/chromium-headless-shell)}
[ -x "$CHROME" ] || { echo "FAIL chromium-headless-shell is not installed (scripts/ensure-deps.sh installs it)"; exit 1; }
ART=.build/e2e-artifacts; mkdir -p "$ART"; rm -f "$ART"/fix-*.png
TMP=$(mktemp -d)
cleanup() { kill $DAEMON_PID $SANDBOX_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
DAEMON_PID=; trap cleanup EXIT
# Every server on a free port (port 0, read back). The mail's links name the public address, a name that
# is not this listener's: the script posts to the daemon's real address with the link's path.
PUBLIC="https://access.example.test"
BUNDLE='["PUB;1a2b3c4d5e6f708192a3b4c5d6e7f809","PUB;7d3c1e9a0b2f4c6d8e1f2a3b4c5d6e7f","PUB;9f8e7d6c5b4a39281706f5e4d3c2b1a0"]'
HOSTILE='<img src=x onerror=alert(1)>"Browser'"'"'Tradr'

start_sandbox || { echo "sandbox did not start"; exit 1; }
SB=$SANDBOX_PORT
workspace "$TMP/ws" $SANDBOX_PORT $SANDBOX_SMTP
jq --arg base "$PUBLIC" '.server.public_base_url = $base | .alerts = null' "$TMP/ws/config.json" > "$TMP/c.json" && mv "$TMP/c.json" "$TMP/ws/config.json"
curl -sf -X POST -d '{"username": "BrowserTrader"}' "http://127.0.0.1:$SB/__sandbox/accounts" >/dev/null
jq -n --arg name "$HOSTILE" '[{"product_id": 103, "email": "browser@example.com", "wp_username": "browser",
  "tradingview_username": $name, "status": "complete"}]' |
  curl -sf -X POST --data-binary @- "http://127.0.0.1:$SB/__sandbox/transactions" >/dev/null

"$BIN" daemon --config "$TMP/ws/config.json" --listen "127.0.0.1:0" >"$TMP/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_for 30 daemon_port "$TMP/daemon.log" || { echo "FAIL the daemon announced no port"; head -5 "$TMP/daemon.log"; exit 1; }
BASE="http://127.0.0.1:$(daemon_port "$TMP/daemon.log")"
mail_to() { state $SB | jq -er '.mail[] | select(.to[] | contains("browser@example.com")) | .data'; }
check "the daemon's startup sync mails the customer" wait_for 60 mail_to
# The mail body is base64 after the blank line that ends the headers.
MAILED=$(mail_to | tr -d '\r' | awk 'body {print} /^$/ {body=1}' | base64 -d 2>/dev/null | grep -o "$PUBLIC/fix/[A-Za-z0-9_.-]*" | head -1)
check "the mail carries $PUBLIC/fix/{token}" [ -n "$MAILED" ]
LINK="$BASE${MAILED#"$PUBLIC"}"   # the same path on the daemon's own address

shot() { # shot NAME URL: a phone-sized screenshot
  "$CHROME" --no-sandbox --disable-gpu --hide-scrollbars --window-size=412,900 --screenshot="$ART/$1.png" "$2" >/dev/null 2>&1
}
dom() { "$CHROME" --no-sandbox --disable-gpu --dump-dom "$1" 2>/dev/null; }

T0=$SECONDS
dom "$LINK" > "$TMP/form.html"
echo "chromium: one page load and DOM dump in $((SECONDS - T0)) s"
check "the form page renders in Chromium with its heading" grep -q "<h1>Correct your TradingView username</h1>" "$TMP/form.html"
check "it names the product" grep -q "Bundle quarterly" "$TMP/form.html"
check "it has a labelled text field and no script" bash -c "grep -q '<label for=\"username\">' '$TMP/form.html' && ! grep -qi '<script' '$TMP/form.html'"
check "the hostile typed name is text, not markup" bash -c "grep -q '&lt;img src=x onerror=alert(1)&gt;' '$TMP/form.html' && ! grep -q '<img' '$TMP/form.html'"
check "the form posts back to its own link" grep -qF "action=\"./${LINK##*/}\"" "$TMP/form.html"
shot fix-1-form "$LINK"

# post NAME: the form's POST, by curl, with the headers the hardest real browser case carries: Chromium and
# Firefox send `Origin: null` from a page with a strict referrer policy or under privacy settings.
post() {
  curl -s -o "$TMP/post.html" -w '%{http_code}' -H "Origin: null" -H "Sec-Fetch-Site: same-origin" \
    --data-urlencode "token=${LINK##*/}" --data-urlencode "username=$1" "$LINK"
}
check "a name TradingView does not know: the form again (422)" [ "$(post NoSuchBrowserTrader)" = 422 ]
cp "$TMP/post.html" "$TMP/wrong.html"
dom "file://$TMP/wrong.html" > "$TMP/wrong-dom.html"
check "... with the reason and the name" bash -c "grep -q 'TradingView has no user named' '$TMP/wrong-dom.html' && grep -q 'NoSuchBrowserTrader' '$TMP/wrong-dom.html'"
shot fix-2-wrong-name "file://$TMP/wrong.html"

check "@lowercase: access granted (200)" [ "$(post @browsertrader)" = 200 ]
cp "$TMP/post.html" "$TMP/done.html"
dom "file://$TMP/done.html" > "$TMP/done-dom.html"
check "the done page shows TradingView's spelling" grep -q '<strong class="canonical">BrowserTrader</strong>' "$TMP/done-dom.html"
shot fix-3-done "file://$TMP/done.html"
check "the sandbox has BrowserTrader on the three bundle scripts" bash -c "state $SB | jq -e --argjson b '$BUNDLE' \
  '[.writes[] | select(.username == \"BrowserTrader\") | .pine_id] | sort == (\$b | sort)'"
"$BIN" review list --json --config "$TMP/ws/config.json" > "$TMP/review.json"
check "the review items are resolved" bash -c "jq -s -e . '$TMP/review.json' >/dev/null && ! grep -q 'Tradr' '$TMP/review.json'"

dom "$LINK" > "$TMP/used.html"
check "the link again: 'already used', no form" bash -c "grep -q 'already used' '$TMP/used.html' && ! grep -q '<form' '$TMP/used.html'"
shot fix-4-used "$LINK"
check "four screenshots written" bash -c "[ \$(ls $ART/fix-*.png | wc -l) -eq 4 ] && head -c 4 $ART/fix-1-form.png | grep -q PNG"
check "the link's token is in no log" bash -c "! grep -rqF '${LINK##*/}' '$TMP/ws/logs' '$TMP/daemon.log'"

echo "selfservice-browser: $PASS passed, $FAIL failed in $((SECONDS - START)) s; screenshots in $ART/"
[ $FAIL -eq 0 ]
