#!/bin/bash
# End-to-end harness, one command:
#   bench/run-e2e.sh [--quick] [extra Fgs.Harness options]
# Builds the AOT invoker and the demos (invoker/scripts/build.sh), the harness (bench/Fgs.Harness)
# and the Kestrel peer (bench/Fgs.KestrelPeer, a baseline); installs nginx from Debian if missing;
# starts three targets on loopback:
#   floor   - nginx answering a static 200 to the same POST (one plain HTTP exchange),
#   peer    - the Kestrel/minimal-API invoke + runtime API path with 64 echo-csharp runtimes,
#   invoker - fgs-invoker with the echo-csharp demo (Native AOT runtime loop);
# then drives them with the same generator in interleaved rounds (c1, c64 closed loop, open loop),
# stops them, and runs cold starts and the memory scenario on fresh invokers started by the harness.
# --scenarios warm,cold,memory (the default) picks scenarios; without warm no server is started.
# Results: bench/results/e2e-YYYY-MM-DD/ (summary.md, e2e.json, hgrm/*.hgrm, command.txt).
# --quick: 1 round of 2 s runs, 5 cold starts, 200 functions / 20 instances (a smoke test).
# FGS_E2E_INVOKER_ARGS adds options to the invoker. FGS_E2E_VARIANT_ARGS starts a second invoker
# with those options as a fourth target, "variant", for an A/B measured in the same rounds.
# Everything started here is stopped on exit (trap). Ports: FGS_E2E_PORT_BASE (default 18080..18084).
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=()
if [ "${1:-}" = "--quick" ]; then
  shift
  QUICK=(--rounds 1 --duration 2 --cold-count 5 --memory-functions 200 --memory-instances 20)
fi
# --scenarios (a harness option) without "warm" needs none of the warm-path servers.
WARM=1
ARGS=("$@")
for i in "${!ARGS[@]}"; do
  if [ "${ARGS[$i]}" = "--scenarios" ] && [[ ",${ARGS[$((i + 1))]:-}," != *,warm,* ]]; then
    WARM=0
  fi
done
DATE=$(date -u +%F)
OUT=${FGS_E2E_OUT:-bench/results/e2e-$DATE}
BASE=${FGS_E2E_PORT_BASE:-18080}
FLOOR_PORT=$BASE PEER_PORT=$((BASE + 1)) PEER_RUNTIME_PORT=$((BASE + 2)) INVOKER_PORT=$((BASE + 3)) VARIANT_PORT=$((BASE + 4))

if ! command -v nginx > /dev/null; then
  echo "installing nginx (the floor)..." >&2
  apt-get update -qq > /dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light > /dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx > /dev/null
fi

echo "building..." >&2
invoker/scripts/build.sh
dotnet build bench/Fgs.Harness/Fgs.Harness.csproj -c Release --nologo -v quiet > /dev/null
dotnet build bench/Fgs.KestrelPeer/Fgs.KestrelPeer.csproj -c Release --nologo -v quiet > /dev/null
HARNESS=bench/Fgs.Harness/bin/Release/net10.0/Fgs.Harness
PEER=bench/Fgs.KestrelPeer/bin/Release/net10.0/Fgs.KestrelPeer
INVOKER=artifacts/invoker/fgs-invoker
DEMO=artifacts/demo

TMP=$(mktemp -d)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}" $(cat "$TMP/harness.pids" 2>/dev/null); do
    kill -TERM "$pid" 2> /dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2> /dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() { # $1 = url
  for _ in $(seq 1 200); do
    curl -s -o /dev/null -X POST "$1" -d '{}' && return 0
    sleep 0.05
  done
  echo "no answer from $1" >&2
  return 1
}

TARGETS=()
URN=urn:fss:cn-north-4:demo:function:default:echo-csharp:latest
INVOKE_PATH=/v2/demo/fgs/functions/$URN/invocations
if [ "$WARM" = 1 ]; then
# Floor: nginx, private prefix, one static answer to any POST.
mkdir -p "$TMP/nginx/logs"
cat > "$TMP/nginx/nginx.conf" <<CONF
worker_processes auto;
error_log $TMP/nginx/logs/error.log warn;
pid $TMP/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$FLOOR_PORT;
    location / {
      default_type application/json;
      return 200 '{"request_id":"00000000-0000-0000-0000-000000000000","result":"hello, world.....","log":"","status":200}';
    }
  }
}
CONF
nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!); FLOOR_PID=$!

"$PEER" --listen "127.0.0.1:$PEER_PORT" --runtime-listen "127.0.0.1:$PEER_RUNTIME_PORT" \
  --bootstrap "$DEMO/echo-csharp/bootstrap" --instances 64 > "$TMP/peer.log" 2>&1 &
PIDS+=($!); PEER_PID=$!

"$INVOKER" serve --listen "127.0.0.1:$INVOKER_PORT" --data "$TMP/invoker-data" --demo-dir "$DEMO" \
  --keep-alive 600 ${FGS_E2E_INVOKER_ARGS:-} > "$TMP/invoker.log" 2>&1 &
PIDS+=($!); INVOKER_PID=$!

VARIANT_TARGET=()
if [ -n "${FGS_E2E_VARIANT_ARGS:-}" ]; then
  # shellcheck disable=SC2086
  "$INVOKER" serve --listen "127.0.0.1:$VARIANT_PORT" --data "$TMP/variant-data" --demo-dir "$DEMO" \
    --keep-alive 600 $FGS_E2E_VARIANT_ARGS > "$TMP/variant.log" 2>&1 &
  PIDS+=($!)
  VARIANT_TARGET=(--target "variant=127.0.0.1:$VARIANT_PORT:$!")
fi

wait_http "http://127.0.0.1:$FLOOR_PORT$INVOKE_PATH"
wait_http "http://127.0.0.1:$PEER_PORT$INVOKE_PATH"
wait_http "http://127.0.0.1:$INVOKER_PORT$INVOKE_PATH"
[ ${#VARIANT_TARGET[@]} -gt 0 ] && wait_http "http://127.0.0.1:$VARIANT_PORT$INVOKE_PATH"
TARGETS=(--target "floor=127.0.0.1:$FLOOR_PORT:$FLOOR_PID" --target "peer=127.0.0.1:$PEER_PORT:$PEER_PID"
  --target "invoker=127.0.0.1:$INVOKER_PORT:$INVOKER_PID" "${VARIANT_TARGET[@]}")
fi

mkdir -p "$OUT"
COMMAND="bench/run-e2e.sh $*"
[ ${#QUICK[@]} -gt 0 ] && COMMAND="bench/run-e2e.sh --quick $*"
[ -n "${FGS_E2E_VARIANT_ARGS:-}" ] && COMMAND="FGS_E2E_VARIANT_ARGS='$FGS_E2E_VARIANT_ARGS' $COMMAND"
[ -n "${FGS_E2E_INVOKER_ARGS:-}" ] && COMMAND="FGS_E2E_INVOKER_ARGS='$FGS_E2E_INVOKER_ARGS' $COMMAND"
[ -n "${FGS_E2E_OUT:-}" ] && COMMAND="FGS_E2E_OUT=$OUT $COMMAND"
{
  echo "$COMMAND"
  echo "# git $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%FT%TZ), nproc $(nproc), loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/command.txt"

# Inline socket completions: the generator's continuations run on the epoll thread, an event loop
# that keeps its own CPU per request low on 2 cores.
FGS_HARNESS_COMMAND="$COMMAND" DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 DOTNET_gcServer=0 \
  "$HARNESS" e2e --out "$OUT" --path "$INVOKE_PATH" \
  "${TARGETS[@]}" \
  --invoker-bin "$INVOKER" --demo-dir "$DEMO" --pid-file "$TMP/harness.pids" --log-dir "$TMP" \
  "${QUICK[@]}" "$@" > "$OUT/stdout.md" &
# In the background and waited for, so that a TERM to this script runs the trap at once.
PIDS+=($!)
wait $!
echo "results in $OUT (summary.md)" >&2
