#!/usr/bin/env bash
# Tests never bind fixed ports: a fixed port fails when another run or process holds it (one fresh-clone CI
# run in four did, beside other processes). Every server a test starts listens on port 0 and reads back
# which (lib.sh's start_sandbox, daemon_port; the demo's config). This check fails on a port number given
# to a server in the end-to-end scripts or the Swift tests.
set -uo pipefail
cd "$(dirname "$0")/../.."
self=Tests/e2e/no-fixed-ports.sh
found=$(
  { grep -nE -- "(--port|--smtp-port|--listen)[ =]+[\"']?([0-9.]+:)?[1-9][0-9]*([\"' ]|$)" Tests/e2e/*.sh
    grep -nE -- "(PORT|SMTP|SB)[A-Z_]*=[\"']?(\\$\\{[A-Z0-9_]+:-)?[1-9][0-9]{3,4}" Tests/e2e/*.sh
    grep -nE -- "start_sandbox +[\"']?[1-9][0-9]*" Tests/e2e/*.sh
    grep -nE -- "https?://(127\.0\.0\.1|localhost):[1-9][0-9]*" Tests/e2e/*.sh
    grep -rnE --include='*.swift' -- "(SandboxOptions|Sandbox\.start)\(.*port: *[1-9]|\"--(listen|port|smtp-port)\", *\"([0-9.]+:)?[1-9][0-9]*\"" Tests
  } | grep -v "^$self:"
)
if [ -n "$found" ]; then
  echo "FAIL fixed ports in tests (listen on port 0 and read the port back):"; echo "$found"; exit 1
fi
echo "ok   no test binds a fixed port"
