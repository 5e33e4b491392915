#!/usr/bin/env bash
# Bench rows for the real console binary in tmux: startup to first frame and CPU while idle for 10 s.
set -uo pipefail
cd "$(dirname "$0")/../.."
. Tests/e2e/lib.sh
SOCK="acbench-$$"
T() { tmux -L "$SOCK" "$@"; }
trap 'T kill-server 2>/dev/null' EXIT
start=$(date +%s%N)
T new-session -d -s bench -x 120 -y 40 "$BIN demo"
if ! wait_for 30 sh -c "tmux -L $SOCK capture-pane -p -t bench | grep -q 'Scripts'"; then
  echo "| console: startup to first frame | no frame in 30 s | | NO |"; exit 1
fi
first=$(( ($(date +%s%N) - start) / 1000000 ))
pid=$(T list-panes -t bench -F '#{pane_pid}')
sleep 2   # let the first loads and the log tail settle
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
t0=$(ticks); sleep 10; t1=$(ticks)
hz=$(getconf CLK_TCK)
cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN { printf "%.1f", (b - a) / hz / 10 * 100 }')
ok=$(awk -v c="$cpu" 'BEGIN { print (c + 0 < 2) ? "yes" : "NO" }')
echo "| console: startup to first frame (demo, sandbox included) | ${first} ms | | |"
echo "| console: CPU while idle for 10 s | ${cpu}% | ~0 (< 2%) | $ok |"
T send-keys -t bench q
[ "$ok" = yes ]
