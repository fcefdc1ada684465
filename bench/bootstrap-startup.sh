#!/bin/bash
# Start-up of the echo-csharp demo runtime (invoker/demo/echo-csharp), side by side with the same
# program built with Native AOT's defaults, one command:
#   bench/bootstrap-startup.sh [--rounds N]
# Builds three variants of the same source (copies under artifacts/startup-variants/):
#   default   - Native AOT defaults (position-independent, dynamically linked, dehydrated data)
#   no-pie    - linked at a fixed address, data not dehydrated
#   shipped   - what the demo ships: also statically linked (EchoRuntime.csproj)
# and measures each from its start to its first connection to RUNTIME_API_ADDR, interleaved
# (Fgs.Harness startup). Prints a Markdown table; ratios are against the default build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=100
if [ "${1:-}" = "--rounds" ]; then ROUNDS=$2; fi
OUT=artifacts/startup-variants
rm -rf "$OUT"
build() { # $1 = name, $2... = msbuild properties
  local name=$1; shift
  mkdir -p "$OUT/$name/src"
  cp invoker/demo/echo-csharp/EchoRuntime.csproj invoker/demo/echo-csharp/Program.cs "$OUT/$name/src/"
  echo "building $name..." >&2
  dotnet publish "$OUT/$name/src/EchoRuntime.csproj" -c Release -r linux-x64 -o "$OUT/$name/bin" --nologo -v quiet "$@" > /dev/null
}
build default -p:StaticExecutable=false -p:PositionIndependentExecutable=true -p:IlcDehydrate=true
build no-pie -p:StaticExecutable=false
build shipped
dotnet build bench/Fgs.Harness/Fgs.Harness.csproj -c Release --nologo -v quiet > /dev/null
echo "bench/bootstrap-startup.sh --rounds $ROUNDS"
echo "# git $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%FT%TZ), nproc $(nproc), loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
echo
bench/Fgs.Harness/bin/Release/net10.0/Fgs.Harness startup --rounds "$ROUNDS" \
  default="$OUT/default/bin/bootstrap" no-pie="$OUT/no-pie/bin/bootstrap" shipped="$OUT/shipped/bin/bootstrap"
