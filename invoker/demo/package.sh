#!/bin/bash
# Stages the demo functions for preloading, each folder holding an executable `bootstrap` at its root:
#   OUTDIR/echo-bash/, OUTDIR/echo-python/   the scripts
#   OUTDIR/echo-csharp/                      the Native AOT build
#   OUTDIR/snapshot-java/                    the Java snapshot runtime and its SlowInit example (javac)
#   OUTDIR/snapshot-dotnet/                  the .NET snapshot runtime's SlowInit example (dotnet publish)
# The snapshot demos also get their demo.json (settings, snapshots on, version 1 published).
# The invoker zips each folder into a code package when started with --demo-dir OUTDIR.
# Builds only what is older than its sources (--force: everything). Without javac the Java demo is
# left out, with a message.
# Usage: invoker/demo/package.sh OUTDIR [--force]
set -euo pipefail

OUT=$(mkdir -p "${1:?usage: package.sh OUTDIR [--force]}" && cd "$1" && pwd)
FORCE=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RUNTIMES="$ROOT/snapshot/runtimes"

# stale OUTPUT SOURCE...: true when OUTPUT is missing or older than a source file (build outputs ignored).
stale() {
  local out=$1; shift
  [ "$FORCE" = --force ] || [ ! -e "$out" ] && return 0
  [ -n "$(find "$@" -type f -newer "$out" -not -path '*/obj/*' -not -path '*/bin/*' -not -path '*/build/*' -print -quit)" ]
}

for demo in echo-bash echo-python; do
  rm -rf "${OUT:?}/$demo"
  mkdir -p "$OUT/$demo"
  cp -p "$HERE/$demo/bootstrap" "$OUT/$demo/bootstrap"
  chmod 0755 "$OUT/$demo/bootstrap"
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PROPS=("$ROOT/Directory.Build.props" "$ROOT/Directory.Packages.props" "$ROOT/global.json")

if stale "$OUT/echo-csharp/bootstrap" "$HERE/echo-csharp" "${PROPS[@]}"; then
  echo "staging echo-csharp (Native AOT)..." >&2
  dotnet publish "$HERE/echo-csharp/EchoRuntime.csproj" -c Release -r linux-x64 -o "$TMP/echo-csharp" --nologo -v quiet > /dev/null
  rm -rf "${OUT:?}/echo-csharp"
  mkdir -p "$OUT/echo-csharp"
  cp "$TMP/echo-csharp/bootstrap" "$OUT/echo-csharp/bootstrap"
fi

# Java: the runtime's bootstrap with its classes compiled in (it compiles only when it has sources).
if ! command -v javac > /dev/null 2>&1; then
  echo "javac not found: the snapshot-java demo is left out (install a JDK to stage it)" >&2
  rm -rf "${OUT:?}/snapshot-java"
elif stale "$OUT/snapshot-java/bootstrap" "$RUNTIMES/java" "$HERE/snapshot-java"; then
  echo "staging snapshot-java (javac)..." >&2
  mkdir -p "$TMP/snapshot-java/build/classes"
  javac -nowarn -d "$TMP/snapshot-java/build/classes" $(find "$RUNTIMES/java/src" "$RUNTIMES/java/examples" -name '*.java')
  cp "$HERE/snapshot-java/demo.json" "$TMP/snapshot-java/demo.json"
  install -m 0755 "$RUNTIMES/java/bootstrap" "$TMP/snapshot-java/bootstrap"
  rm -rf "${OUT:?}/snapshot-java"
  mv "$TMP/snapshot-java" "$OUT/snapshot-java"
fi

# .NET: the SlowInit example, framework-dependent (`dotnet SlowInit.dll`, started by its bootstrap).
if stale "$OUT/snapshot-dotnet/bootstrap" "$RUNTIMES/dotnet" "$HERE/snapshot-dotnet" "${PROPS[@]}"; then
  echo "staging snapshot-dotnet (dotnet publish)..." >&2
  dotnet publish "$RUNTIMES/dotnet/SlowInit/SlowInit.csproj" -c Release -o "$TMP/snapshot-dotnet" --nologo -v quiet > /dev/null
  rm -f "$TMP"/snapshot-dotnet/*.pdb "$TMP"/snapshot-dotnet/*.xml
  cp "$HERE/snapshot-dotnet/demo.json" "$TMP/snapshot-dotnet/demo.json"
  chmod 0755 "$TMP/snapshot-dotnet/bootstrap"
  # The bootstrap is the up-to-date mark: newer than everything it was built from.
  touch "$TMP/snapshot-dotnet/bootstrap"
  rm -rf "${OUT:?}/snapshot-dotnet"
  mv "$TMP/snapshot-dotnet" "$OUT/snapshot-dotnet"
fi
