#!/bin/bash
# Profiles the invoker's warm path under the harness's load:
#   bench/profile-invoker.sh OUTDIR
# Starts a fresh fgs-invoker with the demos (extra environment for it in $INVOKER_ENV, e.g.
# "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1"), drives echo-csharp with the harness (one round:
# c1, c64, open loop, 10 s each), and samples the invoker with `perf record -g` during the c1 and
# c64 runs (linux-perf from Debian, installed if missing). A second pass (FGS_PROFILE_STRACE=1)
# counts system calls with `strace -c -f` instead (slows the invoker down a lot: counts only).
# Writes OUTDIR/perf-c1.txt, perf-c64.txt (inclusive time by symbol, and by thread), the harness
# summary of the run, and with strace strace-c1.txt, strace-c64.txt. Stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: bench/profile-invoker.sh OUTDIR}
mkdir -p "$OUT"
if ! command -v perf > /dev/null; then
  apt-get update -qq > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf > /dev/null
fi
[ "${FGS_PROFILE_STRACE:-0}" = 1 ] && ! command -v strace > /dev/null && apt-get install -y -qq strace > /dev/null
invoker/scripts/build.sh
dotnet build bench/Fgs.Harness/Fgs.Harness.csproj -c Release --nologo -v quiet > /dev/null

TMP=$(mktemp -d)
INVOKER_PID= HARNESS_PID=
cleanup() {
  [ -n "$HARNESS_PID" ] && kill -TERM "$HARNESS_PID" 2> /dev/null || true
  [ -n "$INVOKER_PID" ] && kill -TERM "$INVOKER_PID" 2> /dev/null || true
  wait 2> /dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=${FGS_PROFILE_PORT:-18095}
# shellcheck disable=SC2086
env ${INVOKER_ENV:-} artifacts/invoker/fgs-invoker serve --listen "127.0.0.1:$PORT" --data "$TMP/data" \
  --demo-dir artifacts/demo --keep-alive 600 > "$TMP/invoker.log" 2>&1 &
INVOKER_PID=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.05; done
URN=urn:fss:cn-north-4:demo:function:default:echo-csharp:latest
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 FGS_HARNESS_COMMAND="bench/profile-invoker.sh $OUT (harness, invoker only)" \
  bench/Fgs.Harness/bin/Release/net10.0/Fgs.Harness e2e --out "$TMP/harness" \
  --path "/v2/demo/fgs/functions/$URN/invocations" --target "invoker=127.0.0.1:$PORT:$INVOKER_PID" \
  --rounds 1 --duration 10 > "$TMP/harness.md" 2> "$TMP/harness.log" &
HARNESS_PID=$!

# Timeline: warm-up about 3 s, then c1 for 10 s, then c64 for 10 s.
report() { # $1 = perf data, $2 = output
  {
    echo "# perf record -g -F 499 on the invoker for 6 s; inclusive (children) share by symbol, top 150"
    perf report -i "$1" --children --sort sym --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -150 || true
    echo
    echo "# self time by symbol, top 80"
    perf report -i "$1" --no-children --sort dso,sym --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -80 || true
    echo
    echo "# by thread name"
    perf report -i "$1" --sort comm --stdio 2> /dev/null | grep -E '^ +[0-9]' | head -10 || true
  } > "$2"
}
if [ "${FGS_PROFILE_STRACE:-0}" = 1 ]; then
  sleep 5; timeout 6 strace -c -f -p "$INVOKER_PID" -o "$OUT/strace-c1.txt" || true
  sleep 4; timeout 6 strace -c -f -p "$INVOKER_PID" -o "$OUT/strace-c64.txt" || true
else
  sleep 5; perf record -F 499 -g -p "$INVOKER_PID" -o "$TMP/c1.data" -- sleep 6 > /dev/null 2>&1
  sleep 4; perf record -F 499 -g -p "$INVOKER_PID" -o "$TMP/c64.data" -- sleep 6 > /dev/null 2>&1
  report "$TMP/c1.data" "$OUT/perf-c1.txt"
  report "$TMP/c64.data" "$OUT/perf-c64.txt"
fi
wait "$HARNESS_PID"
HARNESS_PID=
suffix=$([ "${FGS_PROFILE_STRACE:-0}" = 1 ] && echo "-strace" || echo "")
cp "$TMP/harness.md" "$OUT/profile-run$suffix.md"
echo "profile in $OUT" >&2
