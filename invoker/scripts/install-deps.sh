#!/bin/bash
# Installs what this project needs and a fresh Debian machine may lack. Idempotent, and does
# nothing (needs no network) once everything is present.
#   install-deps.sh run    what ./run.sh needs: the .NET SDK, a native toolchain for Native AOT, curl,
#                          python3, a JDK (the Java snapshot demo) and CRIU for snapshot restores
#                          (install-criu.sh; without it the snapshot demos cold start)
#   install-deps.sh test   plus what the tests need: Go, Node.js and npm
set -euo pipefail

need=()
have() { command -v "$1" > /dev/null 2>&1; }

if ! have dotnet; then
  echo "The .NET 10 SDK is required (https://dot.net); it is not installed on this machine." >&2
  exit 1
fi
have clang || have gcc || need+=(clang)
# Native AOT links against zlib.
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
have curl || need+=(curl)
have python3 || need+=(python3)
have setsid || need+=(util-linux)
{ have java && have javac; } || need+=(default-jdk-headless)
if [ "${1:-run}" = test ]; then
  have go || need+=(golang-go)
  have node || need+=(nodejs)
  have npm || need+=(npm)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi

# CRIU is optional: without it snapshot tests are skipped with the reason and snapshot demos cold start.
"$(dirname "${BASH_SOURCE[0]}")/install-criu.sh" > /dev/null || echo "CRIU set-up failed; snapshots are unavailable (tests skip, instances cold start)" >&2
