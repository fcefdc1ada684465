#!/bin/bash
# Runs the whole test suite, installing what a fresh machine lacks:
#   1. builds the solution (warnings are errors);
#   2. publishes the invoker with Native AOT, failing on any trim/AOT warning, and stages the demos;
#   3. runs the xunit suites (unit tests, and integration tests with real instance processes, the
#      AOT invoker executable and every runtime client stack);
#   4. runs the official FunctionGraph Node.js SDK end to end against the AOT invoker, with AK/SK
#      signing, then stops it with SIGTERM and checks that no instance process is left behind.
# Prints "N passed, N failed, N skipped" last. FGS_SLOW=1 also runs the slow suites.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")" && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

passed=0 failed=0 skipped=0
fail_step() { echo "FAILED: $*" >&2; failed=$((failed + 1)); }
finish() {
  echo
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
  exit $?
}

invoker/scripts/install-deps.sh test || { fail_step "installing prerequisites"; finish; }

echo "== build" >&2
if ! dotnet build Core.sln -c Release --nologo -v quiet; then
  fail_step "dotnet build"
  finish
fi

echo "== Native AOT publish of the invoker (must be warning-free) and demo functions" >&2
if ! invoker/scripts/build.sh; then
  fail_step "Native AOT publish"
  finish
fi
passed=$((passed + 1)) # the AOT publish is itself a check: zero warnings

# The official Node.js SDK: used by the live signature cross-check and the end-to-end client.
(cd tests/sdk-client && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; }) || fail_step "npm ci"

echo "== xunit suites" >&2
export FGS_INVOKER_BIN="$ROOT/artifacts/invoker/fgs-invoker"
export FGS_DEMO_DIR="$ROOT/artifacts/demo"
LOG=$(mktemp)
filter=()
[ "${FGS_SLOW:-0}" = 1 ] || filter=(-- --filter-not-trait "Category=Slow")
dotnet test --solution Core.sln -c Release --no-build "${filter[@]}" 2>&1 | tee "$LOG"
test_rc=${PIPESTATUS[0]}
# The testing platform ends with a summary: "total: N", "failed: N", "succeeded: N", "skipped: N".
count() { grep -E "^\s*$1: [0-9]+" "$LOG" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
t_failed=$(count failed) t_passed=$(count succeeded) t_skipped=$(count skipped)
passed=$((passed + t_passed)) skipped=$((skipped + t_skipped)) failed=$((failed + t_failed))
if [ "$test_rc" -ne 0 ] && [ "$t_failed" -eq 0 ]; then
  fail_step "dotnet test exited with $test_rc"
fi
grep -E "^\s*skipped " "$LOG" | sed 's/^/  /' >&2 || true
rm -f "$LOG"

echo "== FunctionGraph Node.js SDK end to end against the AOT invoker" >&2
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DATA=$(mktemp -d)
chmod 755 "$DATA" # reachable by uid 1003, so instances run as FunctionGraph's function user
"$FGS_INVOKER_BIN" serve --listen "127.0.0.1:$PORT" --data "$DATA" --access-key e2e-ak --secret-key e2e-sk > "$DATA.log" 2>&1 &
INVOKER=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/healthz" > /dev/null 2>&1 && break
  sleep 0.1
done
E2E=$(cd tests/sdk-client && FGS_ENDPOINT="http://127.0.0.1:$PORT" FGS_AK=e2e-ak FGS_SK=e2e-sk timeout 300 node e2e.mjs 2>&1)
echo "$E2E"
summary=$(echo "$E2E" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
if [ -n "$summary" ]; then
  passed=$((passed + $(echo "$summary" | cut -d' ' -f1)))
  failed=$((failed + $(echo "$summary" | cut -d' ' -f3)))
else
  fail_step "the SDK end-to-end client printed no summary"
fi
kill -TERM "$INVOKER"
if wait "$INVOKER"; then passed=$((passed + 1)); else fail_step "the invoker did not exit 0 on SIGTERM"; cat "$DATA.log" >&2; fi
if pgrep -f "$DATA/" > /dev/null; then
  fail_step "instance processes left behind after SIGTERM:"; pgrep -af "$DATA/" >&2
else
  passed=$((passed + 1))
fi
rm -rf "$DATA" "$DATA.log"

finish
