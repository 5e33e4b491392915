#!/usr/bin/env bash
# The thread-sanitizer run of issue 19: the client and daemon suites in a release build under TSan.
# `make tsan` runs it; it exits 1 when TSan reports anything (a clean run prints "tsan: clean").
# One long build (~15 min on 2 cores) into its own folder, so the debug and release builds stay as they are.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
BUILD=(-c release --build-path .build-tsan --sanitize=thread -Xswiftc -enable-testing)
# -enable-testing: the tests `@testable import` the modules, which a release build otherwise refuses.
"$SWIFT" build "${BUILD[@]}" --build-tests || exit 2

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
# halt_on_error=0: every report is printed, and the test run goes on to the end.
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan.supp ${TSAN_OPTIONS:-}"
status=0
for filter in \
    'ClientIntegrationTests|ClientServicesIntegrationTests|ClientFaultIntegrationTests|CurlTransportTests|ConfirmParallelTests|SyncIntegrationTests' \
    'DaemonTests'; do
  echo "tsan: swift test --filter '$filter'"
  "$SWIFT" test "${BUILD[@]}" --skip-build --filter "$filter" >>"$LOG" 2>&1 || status=1
  grep -E "^(✔|✘) Test run" "$LOG" | tail -1
done
reports=$(grep -c "WARNING: ThreadSanitizer" "$LOG")
if [ "$reports" -gt 0 ]; then
  echo "tsan: $reports report(s); where (first frame in our code):"
  grep -A12 "WARNING: ThreadSanitizer" "$LOG" | grep -oE "/Sources/[^ ]+:[0-9]+" | sort | uniq -c | sort -rn | head -20
  cp "$LOG" /tmp/tsan-last.log && echo "tsan: whole output in /tmp/tsan-last.log"
  exit 1
fi
[ $status -eq 0 ] || { echo "tsan: a test failed (see above)"; cp "$LOG" /tmp/tsan-last.log; exit 1; }
echo "tsan: clean"
