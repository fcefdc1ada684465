#!/bin/bash
# Runs the invoker. Without arguments: builds it with Native AOT if needed and serves the
# FunctionGraph v2 API on 127.0.0.1:8080 with the embedded store in .data and the demo
# functions preloaded. With arguments: passes them to the invoker executable, e.g.
#   ./run.sh serve --listen 127.0.0.1:9000 --data /var/lib/fgs
set -euo pipefail
ROOT=$(cd "$(dirname "$0")" && pwd)
"$ROOT/invoker/scripts/install-deps.sh" run
"$ROOT/invoker/scripts/build.sh"
if [ $# -eq 0 ]; then
  cd "$ROOT"
  exec "$ROOT/artifacts/invoker/fgs-invoker" serve --listen 127.0.0.1:8080 --data .data --demo-dir artifacts/demo
fi
exec "$ROOT/artifacts/invoker/fgs-invoker" "$@"
