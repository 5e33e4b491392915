#!/usr/bin/env bash
# The thread-sanitizer run of issue 19: every unit and integration test (the client suites against the
# sandbox over real libcurl, the daemon suites, the console's) in a release build under TSan.
# `make tsan` runs it; it exits 1 on any report or failed test, and prints "tsan: clean" otherwise.
# Its own build folder (.build-tsan; the first build takes ~4 min on 2 cores, the run ~2 min), so the
# debug and release builds stay as they are.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
# -enable-testing: the tests `@testable import` the modules, which a release build otherwise refuses.
BUILD=(-c release --build-path .build-tsan --sanitize=thread -Xswiftc -enable-testing)
"$SWIFT" build "${BUILD[@]}" --build-tests || exit 2

LOG=.build-tsan/tsan.log   # kept: the whole output of the last run
# halt_on_error=0: every report is printed and the run goes on to the end. tsan.supp: the stdlib's own
# continuation slot only (its header says why).
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 print_suppressions=1 suppressions=$PWD/scripts/tsan.supp ${TSAN_OPTIONS:-}"
"$SWIFT" test "${BUILD[@]}" --skip-build "$@" >"$LOG" 2>&1
status=$?
grep -E "^(✔|✘) Test run" "$LOG" | tail -1
# What the suppressions hid (print_suppressions=1), so a clean run says what it is clean of.
grep -E "^ThreadSanitizer: Matched|^ *[0-9]+ race(_top)?:" "$LOG" | sed 's/^/tsan: suppressed: /'
reports=$(grep -c "WARNING: ThreadSanitizer" "$LOG")
if [ "$reports" -gt 0 ]; then
  echo "tsan: $reports report(s); where (frames in our code):"
  grep -A14 "WARNING: ThreadSanitizer" "$LOG" | grep -oE "/(Sources|Tests)/[^ ]+:[0-9]+" | sort | uniq -c | sort -rn | head -20
  echo "tsan: whole output in $LOG"
  exit 1
fi
[ $status -eq 0 ] || { echo "tsan: a test failed; whole output in $LOG"; exit 1; }
echo "tsan: clean"
