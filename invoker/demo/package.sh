#!/bin/bash
# Stages the demo functions for preloading: OUTDIR/echo-bash/, OUTDIR/echo-python/ and
# OUTDIR/echo-csharp/ (the Native AOT build), each holding an executable `bootstrap` at its root.
# The invoker zips each folder into a code package when started with --demo-dir OUTDIR.
# Usage: invoker/demo/package.sh OUTDIR
set -euo pipefail

OUT=$(mkdir -p "${1:?usage: package.sh OUTDIR}" && cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)

for demo in echo-bash echo-python; do
  rm -rf "${OUT:?}/$demo"
  mkdir -p "$OUT/$demo"
  cp -p "$HERE/$demo/bootstrap" "$OUT/$demo/bootstrap"
  chmod 0755 "$OUT/$demo/bootstrap"
done

PUBLISH=$(mktemp -d)
trap 'rm -rf "$PUBLISH"' EXIT
dotnet publish "$HERE/echo-csharp/EchoRuntime.csproj" -c Release -r linux-x64 -o "$PUBLISH" --nologo -v quiet > /dev/null
rm -rf "${OUT:?}/echo-csharp"
mkdir -p "$OUT/echo-csharp"
cp "$PUBLISH/bootstrap" "$OUT/echo-csharp/bootstrap"
