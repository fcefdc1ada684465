#!/bin/bash
# Thaw latency of idle mode: a reserved instance of the echo-csharp demo (idle_mode on) is paused
# after 0.2 s without work, then invoked; repeated N times. Prints the invoker's own
# fgs_instance_thaw_seconds figures (count, sum, max). Extra arguments go to the invoker, e.g.
# --no-cgroups for the SIGSTOP/SIGCONT fallback. Needs the AOT build (invoker/scripts/build.sh).
#   bench/thaw-latency.sh [N] [invoker options]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}; shift || true
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DATA=$(mktemp -d); chmod 755 "$DATA"
artifacts/invoker/fgs-invoker serve --listen 127.0.0.1:$PORT --data "$DATA" --demo-dir artifacts/demo --idle-freeze-after 0.2 "$@" > "$DATA.log" 2>&1 &
INV=$!
trap 'kill $INV 2>/dev/null; wait $INV 2>/dev/null; rm -rf "$DATA" "$DATA.log"' EXIT
for _ in $(seq 100); do curl -fs http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.1; done
URN=urn:fss:cn-north-4:demo:function:default:echo-csharp
B=http://127.0.0.1:$PORT/v2/demo/fgs/functions/$URN
curl -fs -X PUT "$B/reservedinstances" -d '{"count":1,"idle_mode":true}' >/dev/null
prev_sum=0
for i in $(seq "$N"); do
  for _ in $(seq 100); do curl -s http://127.0.0.1:$PORT/metrics | grep -q 'kind="reserved",state="frozen"} 1' && break; sleep 0.05; done
  curl -fs -X POST "$B/invocations" -d '{"n":1}' >/dev/null
done
curl -s http://127.0.0.1:$PORT/metrics | grep -E '^fgs_instance_thaw'
