#!/bin/bash
# Load tests against a freshly started invoker:
#   loadtests/run.sh [Fgs.LoadTests options, e.g. --only overload --seconds 5]
# Builds the AOT invoker and demos (invoker/scripts/build.sh) and loadtests/Fgs.LoadTests, starts
# fgs-invoker on a free loopback port with a private data folder, runs the scenarios (warm steady
# load, burst from zero, overload past max instances, mix of many functions) and stops the invoker
# (trap). Histograms and summary.md go to loadtests/results/ (or $FGS_LOADTEST_OUT);
# FGS_LOADTEST_INVOKER_ARGS adds invoker options (for an A/B of a setting).
set -euo pipefail
cd "$(dirname "$0")/.."
invoker/scripts/build.sh
dotnet build loadtests/Fgs.LoadTests/Fgs.LoadTests.csproj -c Release --nologo -v quiet > /dev/null
PORT=${FGS_LOADTEST_PORT:-18090}
TMP=$(mktemp -d)
INVOKER_PID= RUNNER_PID=
cleanup() {
  if [ -n "$RUNNER_PID" ]; then
    kill -TERM "$RUNNER_PID" 2> /dev/null || true
    wait "$RUNNER_PID" 2> /dev/null || true
  fi
  if [ -n "$INVOKER_PID" ]; then
    kill -TERM "$INVOKER_PID" 2> /dev/null || true
    wait "$INVOKER_PID" 2> /dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
artifacts/invoker/fgs-invoker serve --listen "127.0.0.1:$PORT" --data "$TMP/data" --keep-alive 600 ${FGS_LOADTEST_INVOKER_ARGS:-} > "$TMP/invoker.log" 2>&1 &
INVOKER_PID=$!
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 loadtests/Fgs.LoadTests/bin/Release/net10.0/Fgs.LoadTests \
  --endpoint "127.0.0.1:$PORT" --bootstrap artifacts/demo/echo-csharp/bootstrap \
  --out "${FGS_LOADTEST_OUT:-loadtests/results}" "$@" &
# In the background and waited for, so that a TERM to this script runs the trap at once.
RUNNER_PID=$!
wait $RUNNER_PID
