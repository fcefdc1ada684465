#!/bin/bash
# Publishes the invoker with Native AOT into artifacts/invoker (failing on any trim or AOT
# warning) and stages the demo functions into artifacts/demo. Skips work that is up to date
# unless --force is given.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=artifacts/invoker/fgs-invoker
stale() { # $1 = output, rest = source folders
  local out=$1; shift
  [ ! -e "$out" ] && return 0
  [ -n "$(find "$@" \( -name '*.c' -o -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name bootstrap \) -newer "$out" -not -path '*/obj/*' -not -path '*/bin/*' -print -quit)" ] && return 0
  [ -n "$(find Directory.Build.props Directory.Packages.props global.json -newer "$out" -print -quit)" ]
}

if [ "${1:-}" = "--force" ] || stale "$BIN" core invoker/Fgs.Invoker snapshot gpu; then
  echo "publishing the invoker (Native AOT)..." >&2
  LOG=$(mktemp)
  if ! dotnet publish invoker/Fgs.Invoker/Fgs.Invoker.csproj -c Release -r linux-x64 -o artifacts/invoker --nologo > "$LOG" 2>&1; then
    cat "$LOG" >&2
    exit 1
  fi
  if grep -E ': warning [A-Z]+[0-9]+' "$LOG" >&2; then
    echo "the Native AOT publish produced warnings (above); it must be warning-free" >&2
    exit 1
  fi
  rm -f "$LOG"
  touch "$BIN"
fi

# The demo staging skips each demo that is up to date itself.
invoker/demo/package.sh artifacts/demo ${1:+"$1"}
