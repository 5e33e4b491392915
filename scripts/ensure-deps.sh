#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, only when one is missing.
# `ensure-deps.sh browser` adds what the fix-link page's browser check (Tests/e2e/selfservice-browser.sh,
# run by `make e2e`) needs: Chromium's headless shell and a font, without recommends (19 packages,
# about 100 MB to download, 300 MB on disk), so `make run` and `make unit` do not pull in a browser.
set -euo pipefail
need=()
for p in libncurses-dev libcurl4-openssl-dev tmux ca-certificates jq curl; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
browser=()
if [ "${1:-}" = browser ]; then
  for p in chromium-headless-shell fonts-dejavu-core; do
    dpkg -s "$p" >/dev/null 2>&1 || browser+=("$p")
  done
fi
[ ${#need[@]} -eq 0 ] && [ ${#browser[@]} -eq 0 ] && exit 0
echo "installing: ${need[*]} ${browser[*]}" >&2
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
[ ${#need[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
[ ${#browser[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${browser[@]}" >/dev/null
